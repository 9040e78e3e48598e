using VmState.Description;

namespace VmState.Runtime.Tests.Versioning;

[VmState("k-ver", Version = 3, MinimumVersion = 2)]
public partial class Versioned
{
    [VmStateField("a")] public uint A;
    [VmStateField("b", Since = 3, Default = (ushort)7)] public ushort B;
    [VmStateField("c", Since = 3, Exists = nameof(HasC))] public uint C;
    [VmStateField("d", Since = 3)] public byte D;
    [Unused(2, Since = 3)]
    [VmStateField("arr", Since = 3, Length = 2, Default = (short)-1)] public short[] Arr = new short[2];
    [VmStateField("tail")] public byte Tail;

    public bool CFlag;
    public int LoadedVersion = -1;
    public List<int> ExistsVersions = [];
    public List<string> Calls = [];

    private bool HasC(int versionId)
    {
        ExistsVersions.Add(versionId);
        return CFlag;
    }

    [PreLoad]
    private void BeforeLoad() => Calls.Add("pre-load");

    [PostLoad]
    private void AfterLoad(int versionId)
    {
        Calls.Add("post-load");
        LoadedVersion = versionId;
    }
}

[VmState("k-ver-nested", Version = 1)]
public partial class VersionedHolder
{
    [VmStateField("v")] public Versioned V = new();
}

[System.Diagnostics.CodeAnalysis.SuppressMessage("VmState.Policy", "VMS0111", Justification = "The test checks which version reaches the hooks.")]
[VmState("k-ver-hooks", Version = 2, MinimumVersion = 1)]
public partial class FailingHooks
{
    [VmStateField("a")] public byte A;

    public bool PreLoadResult = true;
    public bool PostLoadResult = true;
    public bool PreSaveResult = true;
    public int PostSaveCalls;
    public bool PostSaveResult = true;

    [PreLoad]
    private bool BeforeLoad() => PreLoadResult;

    [PostLoad]
    private bool AfterLoad() => PostLoadResult;

    [PreSave]
    private bool BeforeSave() => PreSaveResult;

    [PostSave]
    private bool AfterSave()
    {
        PostSaveCalls++;
        return PostSaveResult;
    }
}

// A void [PostSave] hook once made the generator emit an unused local (CS0219, fatal under TreatWarningsAsErrors).
[VmState("k-void-post-save")]
public partial class VoidPostSave
{
    [VmStateField("a")] public byte A;
    public int Calls;

    [PostSave]
    private void AfterSave() => Calls++;
}
