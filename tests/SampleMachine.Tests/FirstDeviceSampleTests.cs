using FirstDevice;
using VmState.Compat;
using VmState.Description;
using VmState.Schema;

namespace SampleMachine.Tests;

/// <summary>
/// samples/FirstDevice does what the README says: its thermostat saves to a file and loads back with every value,
/// the alarm subsection goes only when needed, its checked-in baseline is its schema, and its golden stream loads.
/// </summary>
public sealed class FirstDeviceSampleTests
{
    private static string SampleFolder => Repository.PathOf("samples/FirstDevice");

    [Fact]
    public void The_sample_saves_to_a_file_and_loads_back_the_same_state()
    {
        string path = Path.Combine(Path.GetTempPath(), "first-device-" + Guid.NewGuid().ToString("n") + ".vmstate");
        try
        {
            var output = new StringWriter();
            Assert.Equal(0, Demo.Run(path, output));

            string text = output.ToString();
            Assert.Contains("round trip: the loaded copy saves the same bytes", text, StringComparison.Ordinal);
            Assert.Contains("loaded: target_mc 22500, heating True, history [215, 213, 212, 214], alarm at 1767225600", text, StringComparison.Ordinal);
            Assert.Contains("\"vmsd_name\": \"thermostat/alarm\"", text, StringComparison.Ordinal);
            Assert.Contains(Demo.Schema(), text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_alarm_subsection_is_sent_only_while_an_alarm_is_set()
    {
        string path = Path.Combine(Path.GetTempPath(), "first-device-" + Guid.NewGuid().ToString("n") + ".vmstate");
        try
        {
            Thermostat withAlarm = Demo.Sample();
            Thermostat copy = Demo.SaveAndLoad(withAlarm, path);
            Assert.Equal((withAlarm.TargetMilliCelsius, withAlarm.Heating, withAlarm.AlarmAt), (copy.TargetMilliCelsius, copy.Heating, copy.AlarmAt));
            Assert.Equal(withAlarm.History, copy.History);
            long sizeWithAlarm = new FileInfo(path).Length;

            Thermostat quiet = Demo.Sample();
            quiet.AlarmAt = 0;
            Thermostat quietCopy = Demo.SaveAndLoad(quiet, path);
            Assert.Equal(0, quietCopy.AlarmAt);
            // The subsection: marker, counted name, version, then the 8-byte field.
            Assert.Equal(1 + 1 + "thermostat/alarm".Length + 4 + 8, sizeWithAlarm - new FileInfo(path).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_sample_lists_its_schema_as_its_baseline()
    {
        string project = File.ReadAllText(Path.Combine(SampleFolder, "FirstDevice.csproj"));
        Assert.Contains("<VmStateBaseline Include=\"vmstate/shipped.json\" />", project, StringComparison.Ordinal);

        string shipped = File.ReadAllText(Path.Combine(SampleFolder, "vmstate", "shipped.json"));
        SchemaCheckResult forward = SchemaChecker.Check(shipped, Demo.Schema());
        SchemaCheckResult backward = SchemaChecker.Check(Demo.Schema(), shipped);
        Assert.True(forward.IsCompatible, forward.Output);
        Assert.True(backward.IsCompatible, backward.Output);
        Assert.Contains("\"thermostat/alarm\"", shipped, StringComparison.Ordinal);
    }

    [Fact]
    public void The_samples_shipped_version_has_a_golden_stream_that_loads()
    {
        string golden = Path.Combine(SampleFolder, "vmstate", "golden");
        if (VmStateGoldenStreams.RecordingRequested)
        {
            VmStateGoldenStreams.Record(golden, Demo.Sample());
        }

        GoldenStreamReport report = VmStateGoldenStreams.AssertLoad(golden, () => new Thermostat());

        Assert.Equal([1], report.Versions);
        Assert.Equal(VmStateSerializer.Save(Demo.Sample()), File.ReadAllBytes(Path.Combine(golden, "thermostat", "v1.bin")));
    }
}
