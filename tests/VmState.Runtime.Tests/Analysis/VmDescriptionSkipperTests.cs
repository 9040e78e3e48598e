using VmState.Analysis;
using VmState.Migration;
using VmState.Wire;

namespace VmState.Runtime.Tests.Analysis;

/// <summary>
/// The skipper reads an unknown section with the analyzer's walk of its VMDESCRIPTION entry: the same bytes consumed,
/// the same bounds against a hostile description.
/// </summary>
public sealed class VmDescriptionSkipperTests
{
    private static readonly MigrationStreamOptions NoConfiguration = new() { SendConfiguration = false };

    // One FULL section "d" (id 1, instance 0, version 1) with 8 bytes of state, its footer, then EOF.
    private const string OneDevice = "5145564d 00000003 | 04 00000001 01 64 00000000 00000001 | 0102030405060708 | 7e 00000001 | 00";

    private static byte[] Stream(string fields, string subsections = "")
    {
        string json = "{\"page_size\": 4096, \"devices\": [{\"name\": \"d\", \"instance_id\": 0, \"vmsd_name\": \"d\", \"version\": 1, \"fields\": ["
            + fields + "]" + subsections + "}]}";
        byte[] text = System.Text.Encoding.UTF8.GetBytes(json);
        byte[] length = [(byte)(text.Length >> 24), (byte)(text.Length >> 16), (byte)(text.Length >> 8), (byte)text.Length];
        return [.. Hex.Bytes(OneDevice), 0x06, .. length, .. text];
    }

    private static MigrationLoadResult LoadIntoEmptyRegistry(byte[] stream) =>
        new MigrationLoader(new VmStateRegistry(), NoConfiguration) { UnknownSections = VmDescriptionSkipper.FromStream(stream) }.Load(stream);

    [Theory]
    [InlineData("{\"name\": \"a\", \"type\": \"uint64\", \"size\": 8}")]
    [InlineData("{\"name\": \"a\", \"type\": \"uint32\", \"size\": 4, \"array_len\": 2}")]
    [InlineData("{\"name\": \"s\", \"type\": \"struct\", \"struct\": {\"fields\": [{\"name\": \"a\", \"type\": \"buffer\", \"size\": \"8\"}]}, \"size\": 8}")]
    [InlineData("{\"name\": \"e\", \"array_len\": 3, \"type\": \"struct\", \"struct\": {\"fields\": []}, \"size\": 0}, {\"name\": \"a\", \"type\": \"uint64\", \"size\": 8.0}")]
    public void An_unknown_section_is_skipped_by_its_description(string fields)
    {
        MigrationLoadResult result = LoadIntoEmptyRegistry(Stream(fields));

        Assert.Equal(0, result.FramesLoaded);
        Assert.Equal(1, result.FramesSkipped);
    }

    [Theory]
    [InlineData("{\"name\": \"a\", \"array_len\": 4000000000000, \"type\": \"struct\", \"struct\": {\"fields\": []}, \"size\": 0}")]
    [InlineData("{\"name\": \"a\", \"array_len\": 100000000, \"type\": \"buffer\", \"size\": 0}")]
    [InlineData("{\"name\": \"a\", \"type\": \"buffer\", \"size\": 1000000000000}")]
    [InlineData("{\"name\": \"a\", \"type\": \"uint32\", \"size\": -4}")]
    [InlineData("{\"name\": \"a\", \"type\": \"uint32\", \"size\": \"four\"}")]
    [InlineData("{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1, \"array_len\": \"many\"}")]
    [InlineData("{\"name\": \"a\", \"type\": \"struct\", \"size\": 8}")]
    [InlineData("{\"name\": \"a\", \"type\": \"uint32\", \"size\": 4}")]
    public void A_hostile_description_is_a_load_error_not_a_hang(string fields)
    {
        byte[] stream = Stream(fields);

        var e = Assert.Throws<VmStateLoadException>(() => LoadIntoEmptyRegistry(stream));
        Assert.Equal("d", e.Section);
    }

    [Fact]
    public void A_missing_subsection_names_it_and_the_section()
    {
        byte[] stream = Stream("{\"name\": \"a\", \"type\": \"uint64\", \"size\": 8}", ", \"subsections\": [{\"vmsd_name\": \"d/s\", \"version\": 1, \"fields\": []}]");

        var e = Assert.Throws<VmStateLoadException>(() => LoadIntoEmptyRegistry(stream));
        Assert.Equal("Subsection d/s not found", e.Reason);
        Assert.Equal("d", e.Section);
    }
}
