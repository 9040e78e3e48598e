using System.Text;
using VmState.Description;

namespace VmState.Qemu.Misc;

/// <summary>
/// QEMU 7.2's migration global state (<c>globalstate</c>, <c>migration/global_state.c</c>): the source's run state
/// as a NUL-terminated name in a 100-byte buffer, with its length including the NUL. When the machine makes it
/// optional it is sent only for states other than running and paused.
/// </summary>
[VmState("globalstate")]
public sealed partial class GlobalState
{
    /// <summary>Bytes of the run-state buffer.</summary>
    public const int RunStateBytes = 100;

    /// <summary>Length of the name plus its NUL, set on save.</summary>
    [VmStateField("size")]
    public uint Size;

    /// <summary>The run-state name, NUL-padded.</summary>
    [VmStateField("runstate", Length = RunStateBytes)]
    public byte[] RunStateBuffer { get; } = new byte[RunStateBytes];

    /// <summary>The machine sends the state only when it is neither running nor paused (not migrated).</summary>
    public bool Optional { get; set; }

    /// <summary>A state arrived with the last load (not migrated).</summary>
    public bool Received { get; private set; }

    /// <summary>The run-state name (<c>running</c>, <c>paused</c>, ...).</summary>
    public string RunState
    {
        get
        {
            int end = Array.IndexOf(RunStateBuffer, (byte)0);
            return Encoding.ASCII.GetString(RunStateBuffer, 0, end < 0 ? RunStateBytes : end);
        }

        set
        {
            byte[] name = Encoding.ASCII.GetBytes(value);
            if (name.Length >= RunStateBytes || name.Contains((byte)0))
            {
                throw new ArgumentException("A run-state name has at most 99 characters and no NUL", nameof(value));
            }

            Array.Clear(RunStateBuffer);
            name.CopyTo(RunStateBuffer, 0);
        }
    }

    [Needed]
    private bool IsNeeded() => !Optional || RunState is not ("running" or "paused");

    [PreSave]
    private void BeforeSave()
    {
        int end = Array.IndexOf(RunStateBuffer, (byte)0);
        Size = (uint)(end < 0 ? RunStateBytes : end + 1);
    }

    [PostLoad]
    private bool AfterLoad()
    {
        Received = true;

        // The name must end inside the buffer.
        return Array.IndexOf(RunStateBuffer, (byte)0) >= 0;
    }
}
