using VmState.Description;

namespace VmState.Runtime.Tests.Subsections;

[VmState("k-sub", Version = 1)]
[Subsection("k-sub/one", Version = 2, MinimumVersion = 1)]
[Subsection("k-sub/two")]
public partial class SubDev
{
    [VmStateField("a")] public ushort A;
    [VmStateField("x", Subsection = "k-sub/one")] public uint X;
    [VmStateField("y", Subsection = "k-sub/one", Since = 2)] public byte Y;
    [VmStateField("z", Subsection = "k-sub/two")] public byte Z;

    public bool OneNeeded;
    public bool TwoNeeded;
    public int NeededCalls;
    public List<string> Loaded = [];
    public int OneVersion = -1;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("VmState.Policy", "VMS0112", Justification = "The test counts how often the test runs.")]
    [Needed("k-sub/one")]
    private bool IsOneNeeded()
    {
        NeededCalls++;
        return OneNeeded;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("VmState.Policy", "VMS0112", Justification = "The test counts how often the test runs.")]
    [Needed("k-sub/two")]
    private bool IsTwoNeeded()
    {
        NeededCalls++;
        return TwoNeeded;
    }

    [PostLoad("k-sub/one")]
    private void OneLoaded(int versionId)
    {
        Loaded.Add("one");
        OneVersion = versionId;
    }

    [PostLoad("k-sub/two")]
    private void TwoLoaded() => Loaded.Add("two");

    [PostLoad]
    private void AllLoaded() => Loaded.Add("k-sub");
}
