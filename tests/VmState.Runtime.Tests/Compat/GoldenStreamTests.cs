using System.Text.Json;
using VmState.Compat;
using VmState.Description;
using VmState.Wire;

namespace VmState.Runtime.Tests.Compat;

/// <summary>
/// Golden streams: a version's stream is recorded once and never rewritten, and every recorded version loads into
/// the current code with the values it carried. Each test records into a folder of its own.
/// </summary>
public sealed class GoldenStreamTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "vmstate-golden-" + Guid.NewGuid().ToString("n"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private string V1Bin => Path.Combine(_dir, "k-gold", "v1.bin");

    private string V1Json => Path.Combine(_dir, "k-gold", "v1.json");

    [Fact]
    public void Record_writes_the_body_and_its_layout_and_values_next_to_it()
    {
        GoldV1 device = GoldV1.Sample();

        Assert.Equal(GoldenStreamRecordResult.Written, VmStateGoldenStreams.Record(_dir, device));

        Assert.Equal(VmStateSerializer.Save(device), File.ReadAllBytes(V1Bin));
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(V1Json));
        JsonElement root = json.RootElement;
        Assert.Equal("k-gold", root.GetProperty("vmsd_name").GetString());
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal(File.ReadAllBytes(V1Bin).Length, root.GetProperty("size").GetInt32());
        Assert.Equal("tail", root.GetProperty("description").GetProperty("fields")[3].GetProperty("name").GetString());
        JsonElement state = root.GetProperty("state");
        Assert.Equal("0x00000002", state.GetProperty("b").GetString());
        Assert.Equal("0x0006", state.GetProperty("tail").GetString());
        Assert.Equal("0x0000000000000008", state.GetProperty("k-gold/extra").GetProperty("y").GetString());
    }

    [Fact]
    public void The_json_view_writes_runs_of_equal_elements_once_and_long_buffers_by_start_length_and_hash()
    {
        var device = new GoldBig();
        for (int i = 0; i < device.Data.Length; i++)
        {
            device.Data[i] = (byte)i;
        }

        device.Regs[1] = 7;
        VmStateGoldenStreams.Record(_dir, device);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "k-gold-big", "v1.json")));
        JsonElement state = json.RootElement.GetProperty("state");
        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(device.Data));
        Assert.Equal(
            "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f ... (256 bytes, sha256 " + sha + ")",
            state.GetProperty("data").GetString());
        Assert.Equal("200 zero bytes", state.GetProperty("zeros").GetString());
        Assert.Equal(["0x00000000", "0x00000007", "0x00000000 (8 times)"], state.GetProperty("regs").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([1], VmStateGoldenStreams.AssertLoad(_dir, () => new GoldBig()).Versions);
    }

    [Fact]
    public void Recording_the_same_stream_again_writes_nothing()
    {
        VmStateGoldenStreams.Record(_dir, GoldV1.Sample());
        DateTime written = File.GetLastWriteTimeUtc(V1Bin);
        File.SetLastWriteTimeUtc(V1Bin, written.AddDays(-1));

        Assert.Equal(GoldenStreamRecordResult.AlreadyRecorded, VmStateGoldenStreams.Record(_dir, GoldV1.Sample()));
        Assert.Equal(written.AddDays(-1), File.GetLastWriteTimeUtc(V1Bin));
    }

    [Fact]
    public void Recording_another_stream_for_a_recorded_version_fails_and_keeps_the_recorded_one()
    {
        VmStateGoldenStreams.Record(_dir, GoldV1.Sample());
        byte[] recorded = File.ReadAllBytes(V1Bin);
        GoldV1 changed = GoldV1.Sample();
        changed.A = 99;

        var e = Assert.Throws<VmStateGoldenStreamException>(() => VmStateGoldenStreams.Record(_dir, changed));

        Assert.Equal(V1Bin, e.File);
        Assert.Equal(1, e.RecordedVersion);
        Assert.Contains("A different stream is already recorded for version 1 of 'k-gold'", e.Message, StringComparison.Ordinal);
        Assert.Contains("raise Version", e.Message, StringComparison.Ordinal);
        Assert.Equal(recorded, File.ReadAllBytes(V1Bin));
    }

    [Fact]
    public void A_compatible_evolution_loads_its_old_and_current_streams()
    {
        VmStateGoldenStreams.Record(_dir, GoldV1.Sample());
        Assert.Equal(GoldenStreamRecordResult.Written, VmStateGoldenStreams.Record(_dir, GoldV2.Sample()));

        GoldenStreamReport report = VmStateGoldenStreams.AssertLoad(_dir, () => new GoldV2());

        Assert.Equal([1, 2], report.Versions);
        Assert.Empty(report.SkippedVersions);
        Assert.True(report.CurrentVersionRecorded);
        // v1: a, b, arr (one buffer), tail, x, y carried and c at its default; v2: those and z.
        Assert.Equal(7 + 8, report.ComparedFields);
    }

    [Fact]
    public void An_evolution_that_raised_its_minimum_skips_the_versions_below_it()
    {
        VmStateGoldenStreams.Record(_dir, GoldV1.Sample());
        VmStateGoldenStreams.Record(_dir, GoldV2.Sample());

        GoldenStreamReport report = VmStateGoldenStreams.AssertLoad(_dir, () => new GoldV3());

        Assert.Equal([2], report.Versions);
        Assert.Equal([1], report.SkippedVersions);
        Assert.False(report.CurrentVersionRecorded);
    }

    [Fact]
    public void A_moved_field_is_rejected_naming_file_version_field_and_both_values()
    {
        VmStateGoldenStreams.Record(_dir, GoldV1.Sample());

        var e = Assert.Throws<VmStateGoldenStreamException>(() => VmStateGoldenStreams.AssertLoad(_dir, () => new GoldMoved()));

        Assert.Equal(V1Bin, e.File);
        Assert.Equal(1, e.RecordedVersion);
        Assert.Equal("b", e.FieldPath);
        Assert.Equal("k-gold/b", e.Location);
        Assert.Equal("0x00000002", e.OldValue);
        Assert.Equal("0x00000001", e.NewValue);
        Assert.Equal(
            "Field 'b' arrived as 0x00000001, but the stream of version 1 carried 0x00000002; 3 more differ: a, extra/y, extra/x"
            + " at k-gold/b [golden stream " + V1Bin + ", recorded at version 1]",
            e.Message);
    }

    [Fact]
    public void A_retyped_field_is_rejected_naming_it_and_the_offset()
    {
        GoldV1 device = GoldV1.Sample();
        device.X = device.Y = 0; // the stream ends with tail
        VmStateGoldenStreams.Record(_dir, device);

        var e = Assert.Throws<VmStateGoldenStreamException>(() => VmStateGoldenStreams.AssertLoad(_dir, () => new GoldRetyped()));

        Assert.Equal(V1Bin, e.File);
        Assert.Equal("k-gold/tail", e.Location);
        Assert.Equal(11, e.Offset);
        Assert.StartsWith("The stream does not load into the current code: Unexpected end of input", e.Message, StringComparison.Ordinal);
        Assert.IsType<VmStateLoadException>(e.InnerException);
    }

    [Fact]
    public void A_renamed_field_is_rejected_because_its_value_is_not_a_default()
    {
        VmStateGoldenStreams.Record(_dir, GoldV1.Sample());

        var e = Assert.Throws<VmStateGoldenStreamException>(() => VmStateGoldenStreams.AssertLoad(_dir, () => new GoldRenamed()));

        Assert.Equal("alpha", e.FieldPath);
        Assert.Equal("0x00000000", e.OldValue);
        Assert.Equal("0x00000001", e.NewValue);
        Assert.Contains("which the stream of version 1 does not carry", e.Message, StringComparison.Ordinal);
        Assert.Contains("renamed without FormerName", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rename_recorded_with_its_former_name_compares_under_the_new_name()
    {
        VmStateGoldenStreams.Record(_dir, GoldV1.Sample());

        GoldenStreamReport report = VmStateGoldenStreams.AssertLoad(_dir, () => new GoldRenamedRecorded());

        // a, b, arr, tail, x, y: alpha and why compared with a and y (unmatched, they would fail as not defaults).
        Assert.Equal(6, report.ComparedFields);
    }

    [Fact]
    public void The_unchanged_device_passes_what_the_broken_ones_fail()
    {
        VmStateGoldenStreams.Record(_dir, GoldV1.Sample());

        GoldenStreamReport report = VmStateGoldenStreams.AssertLoad(_dir, () => new GoldV1());

        Assert.Equal([1], report.Versions);
        Assert.True(report.CurrentVersionRecorded);
    }

    [Fact]
    public void A_stream_of_a_version_above_the_current_one_is_rejected()
    {
        VmStateGoldenStreams.Record(_dir, GoldV2.Sample());

        var e = Assert.Throws<VmStateGoldenStreamException>(() => VmStateGoldenStreams.AssertLoad(_dir, () => new GoldV1()));

        Assert.Equal(2, e.RecordedVersion);
        Assert.Contains("recorded at version 2, above the current version 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_recorded_stream_is_an_error_that_says_how_to_record()
    {
        var e = Assert.Throws<VmStateGoldenStreamException>(() => VmStateGoldenStreams.AssertLoad(_dir, () => new GoldV1()));

        Assert.Equal(Path.Combine(_dir, "k-gold"), e.File);
        Assert.Contains("VMSTATE_RECORD_GOLDEN=1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_edited_stream_no_longer_matches_its_description_file()
    {
        VmStateGoldenStreams.Record(_dir, GoldV1.Sample());
        byte[] bytes = File.ReadAllBytes(V1Bin);
        bytes[3] ^= 0xff;
        File.WriteAllBytes(V1Bin, bytes);

        var e = Assert.Throws<VmStateGoldenStreamException>(() => VmStateGoldenStreams.AssertLoad(_dir, () => new GoldV1()));

        Assert.Equal(V1Json, e.File);
        Assert.Contains("(its \"sha256\" differs)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_stream_fails_with_its_offset_not_a_crash()
    {
        VmStateGoldenStreams.Record(_dir, GoldV1.Sample());
        byte[] truncated = File.ReadAllBytes(V1Bin)[..10];
        File.WriteAllBytes(V1Bin, truncated);
        string recordedSha = JsonDocument.Parse(File.ReadAllText(V1Json)).RootElement.GetProperty("sha256").GetString()!;
        RewriteJson(text => text.Replace(recordedSha, Sha256(truncated), StringComparison.Ordinal));

        var e = Assert.Throws<VmStateGoldenStreamException>(() => VmStateGoldenStreams.AssertLoad(_dir, () => new GoldV1()));

        Assert.Equal(V1Bin, e.File);
        Assert.StartsWith("The stream does not match its recorded description: Count 3 of 1-byte elements exceeds the 2 byte(s) left", e.Message, StringComparison.Ordinal);
        Assert.Equal("k-gold/arr", e.Location);
        Assert.Equal(8, e.Offset);
    }

    [Fact]
    public void A_description_file_that_is_not_json_is_named()
    {
        VmStateGoldenStreams.Record(_dir, GoldV1.Sample());
        File.WriteAllText(V1Json, "{ \"vmsd_name\": ");

        var e = Assert.Throws<VmStateGoldenStreamException>(() => VmStateGoldenStreams.AssertLoad(_dir, () => new GoldV1()));

        Assert.Equal(V1Json, e.File);
        Assert.StartsWith("The file is not valid JSON", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_description_file_without_its_stream_is_an_error()
    {
        VmStateGoldenStreams.Record(_dir, GoldV1.Sample());
        File.Delete(V1Bin);

        var e = Assert.Throws<VmStateGoldenStreamException>(() => VmStateGoldenStreams.AssertLoad(_dir, () => new GoldV1()));
        Assert.Equal(V1Json, e.File);
        Assert.Throws<VmStateGoldenStreamException>(() => VmStateGoldenStreams.Record(_dir, GoldV1.Sample()));
    }

    [Fact]
    public void A_folder_name_must_be_one_file_name()
    {
        Assert.Throws<ArgumentException>(() => VmStateGoldenStreams.Record(_dir, GoldV1.Sample(), name: "../up"));
        Assert.Throws<ArgumentException>(() => VmStateGoldenStreams.AssertLoad(_dir, () => new GoldV1(), name: ".."));
        Assert.Equal(GoldenStreamRecordResult.Written, VmStateGoldenStreams.Record(_dir, GoldV1.Sample(), name: "second-nic"));
        Assert.Equal([1], VmStateGoldenStreams.AssertLoad(_dir, () => new GoldV1(), name: "second-nic").Versions);
    }

    [Fact]
    public void Recording_is_requested_by_the_environment_variable()
    {
        string? before = Environment.GetEnvironmentVariable(VmStateGoldenStreams.RecordVariable);
        try
        {
            Environment.SetEnvironmentVariable(VmStateGoldenStreams.RecordVariable, "1");
            Assert.True(VmStateGoldenStreams.RecordingRequested);
            Environment.SetEnvironmentVariable(VmStateGoldenStreams.RecordVariable, "0");
            Assert.False(VmStateGoldenStreams.RecordingRequested);
            Environment.SetEnvironmentVariable(VmStateGoldenStreams.RecordVariable, null);
            Assert.False(VmStateGoldenStreams.RecordingRequested);
        }
        finally
        {
            Environment.SetEnvironmentVariable(VmStateGoldenStreams.RecordVariable, before);
        }
    }

    private void RewriteJson(Func<string, string> edit) => File.WriteAllText(V1Json, edit(File.ReadAllText(V1Json)));

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}
