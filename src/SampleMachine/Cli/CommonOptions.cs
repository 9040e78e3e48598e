using System.CommandLine;
using System.Net.Sockets;
using System.Net;
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

    public static Option<string> Memory() => new("--memory", "-m")
    {
        Description = "Guest RAM size (K/M/G suffixes)",
        DefaultValueFactory = _ => "256M",
    };

    public static Option<ulong> Seed() => new("--seed")
    {
        Description = "Seed of the deterministic guest workload",
        DefaultValueFactory = _ => 1,
    };

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

    /// <summary>Runs a command body: one clear line on stderr and a non-zero exit code on failure.</summary>
    public static int Run(ParseResult parse, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is VmStateException or IOException or SocketException or FormatException or ArgumentException or UnauthorizedAccessException or InvalidOperationException)
        {
            string hint = e switch
            {
                VmStateLoadException => "the stream does not fit this machine or is damaged; nothing was changed",
                VmStateSaveException => "nothing was written",
                SocketException => "is the other side running and reachable?",
                FormatException or ArgumentException => "see --help",
                _ => "",
            };
            // Exactly one line whatever the message holds: text from a stream (or a file name) must not forge more.
            Console.Error.WriteLine("error: " + PrintableText.OneLine(e.Message) + (hint.Length > 0 ? " (" + hint + ")" : ""));
            if (parse.GetValue(Verbose))
            {
                Console.Error.WriteLine(e);
            }

            return e switch
            {
                FormatException or ArgumentException => 2,
                VmStateException => 3,
                _ => 4,
            };
        }
    }
}
