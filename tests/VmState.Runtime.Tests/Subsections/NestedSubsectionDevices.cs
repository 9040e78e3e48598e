using VmState.Description;

namespace VmState.Runtime.Tests.Subsections;

// "n/p" has a subsection of its own, "n/p/c"; "n/s" is its later sibling. Short names keep the hex readable.
[VmState("n", Version = 1)]
[Subsection("n/p")]
[Subsection("n/p/c", Version = 2, Parent = "n/p")]
[Subsection("n/s")]
public partial class NestDev
{
    [VmStateField("a")] public byte A;
    [VmStateField("p", Subsection = "n/p")] public ushort P;
    [VmStateField("c", Subsection = "n/p/c")] public byte C;
    [VmStateField("s", Subsection = "n/s")] public byte S;

    public bool PNeeded;
    public bool CNeeded;
    public bool SNeeded;
    public int CNeededCalls;
    public List<string> Loaded = [];
    public int CVersion = -1;

    [Needed("n/p")]
    private bool IsPNeeded() => PNeeded;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("VmState.Policy", "VMS0112", Justification = "The test counts how often the test runs.")]
    [Needed("n/p/c")]
    private bool IsCNeeded()
    {
        CNeededCalls++;
        return CNeeded;
    }

    [Needed("n/s")]
    private bool IsSNeeded() => SNeeded;

    [PostLoad("n/p/c")]
    private void CLoaded(int versionId)
    {
        Loaded.Add("c");
        CVersion = versionId;
    }

    [PostLoad("n/p")]
    private void PLoaded() => Loaded.Add("p");

    [PostLoad("n/s")]
    private void SLoaded() => Loaded.Add("s");

    [PostLoad]
    private void AllLoaded() => Loaded.Add("n");
}
