using SampleMachine.Cli;

namespace SampleMachine.Tests;

/// <summary>Runs the command line in this process with stdout and stderr captured (the tests that use it run one at a time).</summary>
internal static class InProcessCli
{
    public static (int Rc, string Output, string Errors) Run(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        TextWriter oldOut = Console.Out;
        TextWriter oldError = Console.Error;
        Console.SetOut(output);
        Console.SetError(errors);
        try
        {
            return (CommandLine.Build().Parse(args).Invoke(), output.ToString(), errors.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }
}
