using SampleMachine.Cli;

return CommandLine.Build().Parse(args).Invoke();
