using VmState.Description;
using VmState.Schema;

namespace FirstDevice;

/// <summary>What the sample does: save a device to a file, load it into a new one, print its description and schema.</summary>
public static class Demo
{
    /// <summary>The machine name the schema is written under.</summary>
    public const string MachineName = "first-device-1.0";

    /// <summary>A thermostat in use, with an alarm set (so the subsection is sent).</summary>
    public static Thermostat Sample() => new()
    {
        TargetMilliCelsius = 22_500,
        Heating = true,
        History = [215, 213, 212, 214],
        AlarmAt = 1_767_225_600,
    };

    /// <summary>Saves <paramref name="device"/> to <paramref name="path"/> and loads the file into a new thermostat.</summary>
    public static Thermostat SaveAndLoad(Thermostat device, string path)
    {
        File.WriteAllBytes(path, VmStateSerializer.Save(device));   // the body as QEMU writes it
        var copy = new Thermostat();
        VmStateSerializer.Load(copy, File.ReadAllBytes(path));       // at the current version
        return copy;
    }

    /// <summary>The devices' schema in QEMU's <c>-dump-vmstate</c> shape: what a release checks in as its baseline.</summary>
    public static string Schema() => DumpVmStateWriter.Write(MachineName, [Thermostat.VmStateDescription]);

    /// <summary>The tour: save, load, compare, describe; 0 when the copy saves the same bytes.</summary>
    public static int Run(string path, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Thermostat device = Sample();
        Thermostat copy = SaveAndLoad(device, path);
        byte[] saved = File.ReadAllBytes(path);
        bool same = VmStateSerializer.Save(copy).AsSpan().SequenceEqual(saved);

        output.WriteLine($"saved {saved.Length} bytes to {path}");
        output.WriteLine($"loaded: target_mc {copy.TargetMilliCelsius}, heating {copy.Heating}, history [{string.Join(", ", copy.History)}], alarm at {copy.AlarmAt}");
        output.WriteLine(same ? "round trip: the loaded copy saves the same bytes" : "round trip FAILED: the loaded copy saves other bytes");
        output.WriteLine("VMDESCRIPTION entry: " + VmStateSerializer.Describe(copy));
        output.WriteLine("-dump-vmstate schema:");
        output.Write(Schema());
        return same ? 0 : 1;
    }
}
