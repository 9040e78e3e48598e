using FirstDevice;

// dotnet run --project samples/FirstDevice [-- FILE]             save, load back, print description and schema
// dotnet run --project samples/FirstDevice -- dump-vmstate FILE  write the schema (at a release: the new baseline)
switch (args)
{
    case ["dump-vmstate", string target]:
        File.WriteAllText(target, Demo.Schema());
        Console.WriteLine($"wrote the schema of {Thermostat.VmStateDescription.Name} to {target}");
        return 0;
    case [string path] when !path.StartsWith('-'):
        return Demo.Run(path, Console.Out);
    case []:
        return Demo.Run(Path.Combine(Path.GetTempPath(), "thermostat.vmstate"), Console.Out);
    default:
        Console.Error.WriteLine("usage: FirstDevice [FILE] | dump-vmstate FILE");
        return 2;
}
