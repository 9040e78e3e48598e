using VmState.Description;

namespace VmState.Runtime.Tests.Encoding;

/// <summary>The worked example of the format notes (§1.6), byte for byte, with the device of <c>Devices.cs</c>.</summary>
public sealed class WorkedExampleTests
{
    // The whole FULL section of the notes; the body is what lies between the section header and the footer.
    private static readonly byte[] Section = Hex.Bytes(
        "04 | 00 00 00 07 | 05 6d 79 64 65 76 | 00 00 00 00 | 00 00 00 02 |" +
        "11 22 33 44 | 01 | 00 01 00 02 00 03 |" +
        "05 | 09 6d 79 64 65 76 2f 73 75 62 | 00 00 00 01 | ff ff ff ff ff ff ff fb |" +
        "7e 00 00 00 07");

    private static ReadOnlySpan<byte> Body => Section.AsSpan(1 + 4 + 6 + 4 + 4, Section.Length - 19 - 5);

    [Fact]
    public void Body_of_the_worked_example_is_byte_exact()
    {
        var dev = new MyDev { A = 0x11223344, B = true, Arr = [1, 2, 3], X = -5, SubNeeded = true };
        byte[] saved = VmStateSerializer.Save(dev);
        Assert.Equal(Hex.Of(Body), Hex.Of(saved));
        Assert.Equal(2, MyDev.VmStateDescription.Version);
    }

    [Fact]
    public void Body_of_the_worked_example_loads_back()
    {
        var dev = new MyDev();
        VmStateSerializer.Load(dev, Body);
        Assert.Equal(0x11223344u, dev.A);
        Assert.True(dev.B);
        Assert.Equal(new ushort[] { 1, 2, 3 }, dev.Arr);
        Assert.Equal(-5, dev.X);
    }

    [Fact]
    public void Worked_example_description_matches_the_notes()
    {
        var dev = new MyDev { A = 0x11223344, B = true, Arr = [1, 2, 3], X = -5, SubNeeded = true };
        Assert.Equal(
            "{\"vmsd_name\": \"mydev\", \"version\": 2, \"fields\": [{\"name\": \"a\", \"type\": \"uint32\", \"size\": 4}, " +
            "{\"name\": \"b\", \"type\": \"bool\", \"size\": 1}, {\"name\": \"arr\", \"array_len\": 3, \"type\": \"uint16\", \"size\": 2}], " +
            "\"subsections\": [{\"vmsd_name\": \"mydev/sub\", \"version\": 1, \"fields\": [{\"name\": \"x\", \"type\": \"int64\", \"size\": 8}]}]}",
            VmStateSerializer.Describe(dev));
    }
}
