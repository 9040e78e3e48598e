using System.Buffers.Binary;
using SampleMachine.Cli;
using SampleMachine.Machine;
using VmState.Wire;

namespace SampleMachine.Tests;

/// <summary>
/// Sizes from outside are bounded before anything is allocated: a bad <c>--memory</c> (or other size) is one error
/// line naming the option and what it allows, exit 1; a stream's RAM claim over the limit is one error line, exit 3,
/// and <c>--max-memory</c> moves the limit. The streams are the pc recording with its <c>pc.ram</c> claim patched.
/// </summary>
public sealed class HostileSizeTests
{
    private const long MiB = 1L << 20;

    [Theory]
    [InlineData("1T")]
    [InlineData("0")]
    [InlineData("abc")]
    [InlineData("5000")]
    [InlineData("1e400")]
    public void A_bad_memory_value_is_one_error_line_naming_the_option_and_exits_1(string value)
    {
        (int rc, _, string errors) = Cli("load", "no-such-file", "--memory", value);

        string line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: --memory: '{value}' ", line, StringComparison.Ordinal);
        Assert.Contains("allowed: 1 MiB to 16 GiB, in whole 4 KiB pages", line, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, rc);
    }

    [Theory]
    [InlineData("error: --bandwidth: 'fast' is not a size", "migrate", "--to", "127.0.0.1:1", "--bandwidth", "fast")]
    [InlineData("error: 'nowhere' is not HOST:PORT", "migrate", "--to", "nowhere")]
    [InlineData("error: --memory: '1M' (1048576 bytes) is out of range; allowed: 2 MiB to 16 GiB", "run", "--memory", "1M")]
    [InlineData("error: --machine is pc or q35, not 'isapc'", "import-qemu", "no-such-file", "--machine", "isapc")]
    public void Other_bad_option_values_are_one_error_line_and_exit_1(string start, params string[] args)
    {
        (int rc, _, string errors) = Cli(args);

        Assert.StartsWith(start, Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, rc);
    }

    [Theory]
    [InlineData(64L << 30, "64 GiB")]
    [InlineData(1L << 40, "1 TiB")]
    public void Import_of_a_stream_claiming_more_ram_than_the_limit_is_one_error_line_and_exits_3(long pcRam, string claimed)
    {
        using var file = new TempFile(WithPcRam(pcRam, out long listAt));

        (int rc, string output, string errors) = Cli("import-qemu", file.Path);

        string line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: The stream's RAM blocks claim ", line, StringComparison.Ordinal);
        Assert.Contains($"'pc.ram' ({claimed} = {pcRam} bytes)", line, StringComparison.Ordinal);
        Assert.Contains("more than the limit of 16 GiB", line, StringComparison.Ordinal);
        Assert.Contains($"(stream offset {listAt})", line, StringComparison.Ordinal);
        Assert.Equal("", output);
        Assert.Equal(ExitCodes.BadInput, rc);
    }

    [Fact]
    public void Max_memory_lets_a_larger_claim_through_and_holds_a_smaller_one_back()
    {
        using var file = new TempFile(WithPcRam(64 * MiB, out _));

        (int rc, string output, string errors) = Cli("import-qemu", file.Path, "--max-memory", "128M");
        Assert.True(rc == 0, errors);
        Assert.Contains("9 RAM blocks (80.8 MiB)", output, StringComparison.Ordinal);

        (rc, _, errors) = Cli("import-qemu", file.Path, "--max-memory", "64M");
        Assert.Equal(ExitCodes.BadInput, rc);
        Assert.Contains("more than the limit of 64 MiB", errors, StringComparison.Ordinal);

        (rc, _, errors) = Cli("import-qemu", file.Path, "--max-memory", "lots");
        Assert.Equal(ExitCodes.Usage, rc);
        Assert.StartsWith("error: --max-memory: 'lots' is not a size", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void The_subset_import_holds_pc_ram_to_the_machines_limit_before_allocating_it()
    {
        byte[] stream = WithPcRam(1L << 40, out long listAt);

        var e = Assert.Throws<VmStateLoadException>(() => QemuImport.Import(stream, skipUnknown: true));

        Assert.Equal(listAt, e.Offset);
        Assert.Contains("'pc.ram' (1 TiB", e.Message, StringComparison.Ordinal);
        Assert.Contains("more than the limit of 16 GiB", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_machine_of_more_ram_than_the_limit_or_of_no_ram_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VirtualMachine(VirtualMachine.MaxMemory + (1L << 30)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VirtualMachine(0));
    }

    [Fact]
    public void An_unexpected_error_is_one_line_with_code_70_and_bad_json_is_bad_input()
    {
        System.CommandLine.ParseResult parse = CommandLine.Build().Parse(["demo"]);
        var errors = new StringWriter();
        TextWriter oldError = Console.Error;
        Console.SetError(errors);
        try
        {
            Assert.Equal(ExitCodes.InternalError, CommonOptions.Run(parse, () => throw new NotImplementedException("boom\nsecond line")));
            Assert.Equal(ExitCodes.BadInput, CommonOptions.Run(parse, () => throw new System.Text.Json.JsonException("bad json")));
        }
        finally
        {
            Console.SetError(oldError);
        }

        string[] lines = errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("error: boom\\nsecond line (an internal error;", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("error: bad json (the file is not valid JSON", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_of_a_device_or_a_pipe_is_one_error_line_and_exits_3()
    {
        (int rc, string output, string errors) = Cli("analyze", "/dev/zero");
        Assert.Equal(ExitCodes.BadInput, rc);
        Assert.StartsWith("error: Invalid file magic 0 ", Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    private static (int Rc, string Output, string Errors) Cli(params string[] args) => InProcessCli.Run(args);

    // The recording with pc.ram (the ram START list's first block) claiming pcRam bytes, the MEM_SIZE total to match.
    private static byte[] WithPcRam(long pcRam, out long listAt)
    {
        byte[] stream = (byte[])Fixtures.Bytes("pc-16m.migration").Clone();
        int at = stream.AsSpan().IndexOf("\u0003ram"u8) + 4 + 4 + 4;
        int pcRamAt = at + 8 + 1 + "pc.ram".Length;
        Assert.Equal("pc.ram"u8.ToArray(), stream.AsSpan(at + 9, 6).ToArray());
        ulong header = BinaryPrimitives.ReadUInt64BigEndian(stream.AsSpan(at));
        ulong old = BinaryPrimitives.ReadUInt64BigEndian(stream.AsSpan(pcRamAt));
        BinaryPrimitives.WriteUInt64BigEndian(stream.AsSpan(at), header - old + (ulong)pcRam);
        BinaryPrimitives.WriteUInt64BigEndian(stream.AsSpan(pcRamAt), (ulong)pcRam);
        listAt = at;
        return stream;
    }

    private sealed class TempFile : IDisposable
    {
        public TempFile(byte[] bytes) => File.WriteAllBytes(Path, bytes);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vmstate-size-{Guid.NewGuid():N}.mig");

        public void Dispose() => File.Delete(Path);
    }
}
