using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using SampleMachine.Machine;
using VmState.Description;
using VmState.Migration;
using VmState.Tests.Support;
using VmState.Wire;

namespace VmState.Fuzz;

/// <summary>
/// <see cref="MigrationLoader"/> into the sample machine (1 MiB of RAM). Besides the error types it checks the
/// loader's transactional promise: a load that fails leaves the machine's whole state (RAM and every device) as it
/// was. Inputs of odd length are loaded from a <see cref="Stream"/> that hands out a few bytes at a time (the
/// network path), even ones from memory. The machine is made anew after a load that succeeded, so every input meets the same fresh machine.
/// </summary>
internal sealed class LoaderTarget : FuzzTarget
{
    private VirtualMachine? _machine;
    private string[] _parts = [];

    public override string Name => "loader";

    public override void Prepare()
    {
        if (_machine is null)
        {
            _machine = new VirtualMachine(VirtualMachine.MinMemory);
            _parts = StateParts(_machine);
        }
    }

    public override void Run(ReadOnlySpan<byte> input)
    {
        VirtualMachine machine = _machine ?? throw new InvalidOperationException("Prepare first");
        var loader = new MigrationLoader(machine.Registry, machine.StreamOptions);
        Exception? failure = null;
        try
        {
            if (input.Length % 2 == 0)
            {
                loader.Load(input.ToArray());
            }
            else
            {
                // Odd lengths go through the streamed path (a socket's), in reads of 1 byte to 4 KiB (a power of
                // two picked by the length), so frames are parsed again as more arrives.
                using var stream = new PieceStream(input.ToArray()) { Piece = 1 << (input.Length / 2 % 13), Seekable = false };
                loader.Load(stream);
            }
        }
        catch (Exception e)
        {
            // Checked here, after the loader's own finally blocks ran (an exception filter would see the state
            // before its rollback).
            failure = e;
        }

        if (failure is null)
        {
            Renew();
            return;
        }

        string changed = Changed(machine);
        if (changed.Length > 0)
        {
            Renew();
            throw new FuzzOracleException($"a failed load changed {changed} (no rollback): {failure.Message}");
        }

        ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>The RAM's hash, then each device's whole state (every subsection), named.</summary>
    internal static string[] StateParts(VirtualMachine machine)
    {
        var parts = new List<string>();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (long p = 0; p < machine.Ram.PageCount; p++)
        {
            sha.AppendData(machine.Ram.Page(p));
        }

        parts.Add("ram " + Convert.ToHexStringLower(sha.GetHashAndReset()));
        foreach (SectionEntry entry in machine.Registry.Entries)
        {
            if (entry.Target is IVmStateObject device)
            {
                var output = new ArrayBufferWriter<byte>();
                var writer = new VmStateWriter(output) { SaveAllSubsections = true };
                device.SaveVmState(ref writer);
                writer.Flush();
                parts.Add(entry.IdStr + " " + Convert.ToHexStringLower(SHA256.HashData(output.WrittenSpan)));
            }
        }

        return [.. parts];
    }

    protected override void Dispose(bool disposing)
    {
        Renew();
        base.Dispose(disposing);
    }

    // The parts whose state differs from the fresh machine's, by name; empty when none does.
    private string Changed(VirtualMachine machine) =>
        string.Join(", ", StateParts(machine).Zip(_parts).Where(p => p.First != p.Second).Select(p => p.First.Split(' ')[0]));

    private void Renew()
    {
        _machine?.Dispose();
        _machine = null;
    }
}
