using System.CommandLine;
using System.Text.Json;
using System.Net.Sockets;
using System.Net;
using SampleMachine.Machine;
using VmState.Ram;
using VmState.Wire;

namespace SampleMachine.Cli;

/// <summary>Options shared by several commands, and the error handling every command gets.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Show stack traces on errors",
        Recursive = true,
    };

    /// <summary>The least <c>--memory</c> of a command that runs the guest workload: its minimum, rounded up to 2 MiB.</summary>
    public const long GuestMemoryMin = (GuestWorkload.MinMemory + (1L << 20) - 1) & ~((1L << 20) - 1);

    /// <summary>The <c>--memory</c> option; <paramref name="min"/> is the least it allows (a machine's, or <see cref="GuestMemoryMin"/>).</summary>
    public static Option<string> Memory(long min = VirtualMachine.MinMemory) => new("--memory", "-m")
    {
        Description = $"Guest RAM size (K/M/G suffixes): whole 4 KiB pages from {SizeParser.FormatExact(min)} to {SizeParser.FormatExact(VirtualMachine.MaxMemory)}",
        DefaultValueFactory = _ => "256M",
    };

    /// <summary>The guest RAM <paramref name="option"/> asks for, from <paramref name="min"/> to <see cref="VirtualMachine.MaxMemory"/> in whole pages.</summary>
    /// <exception cref="FormatException">Not a size, out of range or not whole pages: one line naming the option and what is allowed.</exception>
    public static long MemoryBytes(ParseResult parse, Option<string> option, long min = VirtualMachine.MinMemory) =>
        Size(parse, option, min, VirtualMachine.MaxMemory, wholePages: true);

    /// <summary>The size <paramref name="option"/> gives, from <paramref name="min"/> to <paramref name="max"/> bytes.</summary>
    /// <exception cref="FormatException">Not a size, out of range or (with <paramref name="wholePages"/>) not whole pages: one line naming the option and what is allowed.</exception>
    public static long Size(ParseResult parse, Option<string> option, long min, long max, bool wholePages = false)
    {
        string text = parse.GetValue(option)!;
        string allowed = (max == long.MaxValue ? $"at least {SizeParser.FormatExact(min)}" : $"{SizeParser.FormatExact(min)} to {SizeParser.FormatExact(max)}")
            + (wholePages ? $", in whole {RamBlock.PageSize / 1024} KiB pages" : "");
        long bytes;
        try
        {
            bytes = SizeParser.Parse(text);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{option.Name}: {e.Message}; allowed: {allowed}", e);
        }

        if (bytes < min || bytes > max || (wholePages && bytes % RamBlock.PageSize != 0))
        {
            throw new FormatException($"{option.Name}: '{text}' ({bytes} bytes) is out of range; allowed: {allowed}");
        }

        return bytes;
    }

    /// <summary>The QEMU machine a <c>--machine</c> value names: <c>pc</c> or <c>q35</c>.</summary>
    /// <exception cref="FormatException">Anything else.</exception>
    public static VmState.Qemu.Machines.QemuMachineKind MachineKind(string name) =>
        name is "pc" or "q35" && VmState.Qemu.Machines.QemuMachineKinds.TryParse(name, out var kind)
            ? kind
            : throw new FormatException($"--machine is pc or q35, not '{name}'");

    public static Option<ulong> Seed() => new("--seed")
    {
        Description = "Seed of the deterministic guest workload",
        DefaultValueFactory = _ => 1,
    };

    public static Option<int> Channels(string description, string name = "--channels") => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => 0,
    };

    public static Option<string> MultifdCompression() => new("--multifd-compression")
    {
        Description = "How the multifd channels compress their pages: none or zstd (QEMU's multifd-compression; both sides need the same)",
        DefaultValueFactory = _ => "none",
    };

    // QEMU's multifd-compression values this tool speaks (zlib is QEMU's too, but not spoken here).
    public static VmState.Ram.MultifdCompression? Compression(ParseResult parse, Option<string> option, int channels) =>
        parse.GetValue(option) switch
        {
            "none" => null,
            "zstd" when channels > 0 => new SampleMachine.Migration.ZstdMultifdCompression(),
            "zstd" => throw new FormatException($"{option.Name} zstd goes with multifd channels (--channels N)"),
            var other => throw new FormatException($"{option.Name} is none or zstd, not '{other}'"),
        };

    // A multifd channel count: 0 (no multifd) to 255 (a channel id is one byte on the wire).
    public static int ChannelCount(ParseResult parse, Option<int> option)
    {
        int n = parse.GetValue(option);
        if (n is < 0 or > 255)
        {
            throw new FormatException($"{option.Name} is 0 to 255 multifd channels");
        }

        return n;
    }

    public static Option<double> DirtyRate(double dflt) => new("--dirty-rate")
    {
        Description = "Pages per second the guest workload writes",
        DefaultValueFactory = _ => dflt,
    };

    public static IPEndPoint Endpoint(string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out int port) || port is < 0 or > 65535)
        {
            throw new FormatException($"'{text}' is not HOST:PORT (example: 127.0.0.1:4444)");
        }

        string host = text[..colon];
        IPAddress address = IPAddress.TryParse(host, out IPAddress? ip) ? ip : Dns.GetHostAddresses(host)[0];
        return new IPEndPoint(address, port);
    }

    /// <summary>Runs a command body: one clear line on stderr and a non-zero exit code (<see cref="ExitCodes"/>) on failure.</summary>
    public static int Run(ParseResult parse, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is VmStateException or JsonException or IOException or SocketException or FormatException or ArgumentException or UnauthorizedAccessException or InvalidOperationException)
        {
            string hint = e switch
            {
                VmStateLoadException => "the stream does not fit this machine or is damaged; nothing was changed",
                VmStateSaveException => "nothing was written",
                JsonException => "the file is not valid JSON of the expected shape",
                SocketException => "is the other side running and reachable?",
                FormatException or ArgumentException => "see --help",
                _ => "",
            };
            Report(parse, e, hint);
            return e switch
            {
                FormatException or ArgumentException => ExitCodes.Usage,
                VmStateException or JsonException => ExitCodes.BadInput,
                _ => ExitCodes.Failure,
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Anything else is our bug: still one line and a code of its own, not a stack trace on the terminal.
            Report(parse, e, "an internal error; run again with --verbose and report it");
            return ExitCodes.InternalError;
        }
    }

    private static void Report(ParseResult parse, Exception e, string hint)
    {
        // Exactly one line whatever the message holds: text from a stream (or a file name) must not forge more.
        Console.Error.WriteLine("error: " + PrintableText.OneLine(e.Message) + (hint.Length > 0 ? " (" + hint + ")" : ""));
        if (parse.GetValue(Verbose))
        {
            Console.Error.WriteLine(e);
        }
    }
}
