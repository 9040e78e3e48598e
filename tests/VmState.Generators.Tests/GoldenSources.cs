using VmState.Codecs;
using VmState.Description;

namespace VmState.Generators.Tests;

/// <summary>Representative described types; each golden test generates one and compares it with its baseline.</summary>
internal static class GoldenSources
{
    /// <summary>Every scalar kind, padding, Equal/PositiveLe, Since + Default, Exists, a Validate check.</summary>
    public const string Scalars = """
        using VmState.Codecs; using VmState.Description; using VmState.Wire;

        namespace Golden;

        public enum Mode : ushort { Off = 0, On = 0x1234 }

        public enum Level : sbyte { Low = -1, High = 1 }

        [VmState("scalars", Version = 3, MinimumVersion = 2)]
        public partial class Scalars
        {
            [VmStateField("b")] public bool B;
            [VmStateField("i8")] public sbyte I8;
            [VmStateField("u8")] public byte U8;
            [VmStateField("i16")] public short I16;
            [VmStateField("u16")] public ushort U16;
            [VmStateField("i32")] public int I32;
            [VmStateField("u32")] public uint U32;
            [VmStateField("i64")] public long I64;
            [VmStateField("u64")] public ulong U64;
            [VmStateField("f64")] public double F64;
            [VmStateField("mode")] public Mode Mode;
            [VmStateField("level")] public Level Level { get; set; }
            [VmStateField("timer")] public VmTimer Timer;
            [VmStateField("prop")] public uint Prop { get; set; }

            [Unused(4)]
            [Unused(2, Since = 3)]
            [VmStateField("magic", Equal = true, ErrorHint = "the magic differs")] public uint Magic = 0x5678;
            [VmStateField("limit", PositiveLe = true)] public int Limit;
            [VmStateField("id8", Equal = true)] public byte Id8;
            [VmStateField("id64", Equal = true)] public ulong Id64;

            [VmStateField("late", Since = 3, Default = 7)] public uint Late;
            [VmStateField("flag", Since = 3, Default = true)] public bool Flag;
            [VmStateField("ratio", Since = 3, Default = 0.5)] public double Ratio;
            [VmStateField("late_mode", Since = 3, Default = Mode.On)] public Mode LateMode;

            [VmStateField("opt", Exists = nameof(HasOpt))] public ushort Opt;
            [Unused(8, Exists = nameof(IsOld))]
            [VmStateField("after")] public uint After;

            [Validate("limit_ok")]
            private bool LimitOk(int versionId) => versionId < 3 || Limit <= 100;

            private bool HasOpt() => Mode == Mode.On;

            private static bool IsOld(int versionId) => versionId < 3;
        }
        """;

    /// <summary>Fixed arrays, slices, variable arrays with each count width and with a count that is not migrated, buffers (fixed, sliced, sized by a field).</summary>
    public const string Arrays = """
        using VmState.Codecs; using VmState.Description; using VmState.Wire;

        namespace Golden;

        public enum Mode : ushort { Off = 0, On = 0x1234 }

        [VmState("arrays")]
        public partial class Arrays
        {
            [VmStateField("regs", Length = 4)] public uint[] Regs = new uint[4];
            [VmStateField("modes", Length = 2)] public Mode[] Modes = new Mode[2];
            [VmStateField("timers", Length = 2)] public VmTimer[] Timers = new VmTimer[2];
            [VmStateField("raw", Length = 3, AsArray = true)] public byte[] Raw = new byte[3];
            [VmStateField("window", Start = 2, Length = 4)] public ushort[] Window = new ushort[8];
            [VmStateField("fixed_ro", Length = 2)] public uint[] FixedRo { get; } = new uint[2];

            [VmStateField("n_i32")] public int NI32;
            [VmStateField("by_i32", Count = nameof(NI32))] public long[] ByI32 = [];
            [VmStateField("n_u32")] public uint NU32;
            [VmStateField("by_u32", Count = nameof(NU32))] public int[] ByU32 = [];
            [VmStateField("n_u16")] public ushort NU16;
            [VmStateField("by_u16", Count = nameof(NU16))] public ushort[]? ByU16;
            [VmStateField("n_u8")] public byte NU8;
            [VmStateField("by_u8", Count = nameof(NU8))] public Mode[] ByU8 = [];
            [VmStateField("by_u8_ro", Count = nameof(NU8))] public bool[] ByU8Ro { get; } = new bool[255];

            [VmStateField("buf", Length = 16)] public byte[] Buf = new byte[16];
            [VmStateField("buf_slice", Start = 4, Length = 8)] public byte[] BufSlice = new byte[32];
            [VmStateField("data_len")] public uint DataLen;
            [VmStateField("data", Count = nameof(DataLen))] public byte[] Data = [];
            [VmStateField("data_ro", Start = 1, Count = nameof(NU16))] public byte[] DataRo { get; } = new byte[0x10001];

            // A count the destination knows from its configuration: not on the wire.
            public int Slots { get; } = 4;
            [VmStateField("by_local", Count = nameof(Slots))] public uint[] ByLocal = new uint[4];
        }
        """;

    /// <summary>Nested structs and classes, arrays of them, and a WITH_TMP temporary.</summary>
    public const string Nested = """
        using VmState.Codecs; using VmState.Description; using VmState.Wire;

        namespace Golden;

        [VmState("point", Version = 2, MinimumVersion = 1)]
        public partial struct Point
        {
            [VmStateField("x")] public int X;
            [VmStateField("y", Since = 2)] public int Y;
        }

        [VmState("queue")]
        public partial class Queue
        {
            [VmStateField("head")] public ushort Head;
            [VmStateField("tail")] public ushort Tail;
        }

        [VmState("holder_tmp")]
        public partial struct HolderTmp : IVmStateTmp<Holder>
        {
            [VmStateField("lo")] public uint Lo;
            [VmStateField("hi")] public uint Hi;

            public void FromParent(in Holder parent)
            {
                Lo = (uint)parent.Combined;
                Hi = (uint)(parent.Combined >> 32);
            }

            public readonly void ToParent(ref Holder parent) => parent.Combined = ((ulong)Hi << 32) | Lo;
        }

        [VmState("holder")]
        public partial class Holder
        {
            [VmStateField("origin")] public Point Origin;
            [VmStateField("cursor")] public Point Cursor { get; set; }
            [VmStateField("main_queue")] public Queue MainQueue = new();
            [VmStateField("spare_queue")] public Queue? SpareQueue;
            [VmStateField("points", Length = 3)] public Point[] Points = new Point[3];
            [VmStateField("n_queues")] public byte NQueues;
            [VmStateField("queues", Count = nameof(NQueues))] public Queue[] Queues = [];
            [VmStateField("tmp")] private HolderTmp _tmp;

            public ulong Combined;
        }
        """;

    /// <summary>Subsections with Needed predicates, every hook (PostLoad with the version), device options.</summary>
    public const string Hooked = """
        using VmState.Codecs; using VmState.Description; using VmState.Wire;

        namespace Golden.Outer;

        public static partial class Board
        {
            [VmState("hooked", Version = 3, MinimumVersion = 1, Priority = MigrationPriority.PciBus, DeviceType = "hooked-dev", DeviceTypes = ["hooked-dev", "kvm-hooked-dev"], DumpSize = 64)]
            [Subsection("hooked/extra", Version = 2)]
            [Subsection("hooked/tail")]
            public partial class Hooked
            {
                [VmStateField("ctrl")] public uint Ctrl;
                [VmStateField("extra_a", Subsection = "hooked/extra")] public ulong ExtraA;
                [VmStateField("extra_b", Subsection = "hooked/extra", Since = 2)] public ushort ExtraB;
                [Unused(2, Subsection = "hooked/tail")]
                [VmStateField("tail", Subsection = "hooked/tail")] public byte Tail;

                public int Loads;

                [PreSave] private bool BeforeSave() => Ctrl != 0xdead;
                [PostSave] private void AfterSave() { }
                [PreLoad] private void BeforeLoad() => Loads = 0;
                [PostLoad] private bool AfterLoad(int versionId) => versionId >= 1;
                [Needed] private bool IsNeeded() => Ctrl != 0;
                [DevUnplugPending] private bool IsUnplugPending() => false;

                [Needed("hooked/extra")] private bool IsExtraNeeded() => ExtraA != 0;
                [PostLoad("hooked/extra")] private void AfterExtraLoad(int versionId) => Loads += versionId;
                [PreSave("hooked/tail")] private void BeforeTailSave() { }
                [PostSave("hooked/tail")] private bool AfterTailSave() => true;

                [Validate("tail_ok", Subsection = "hooked/tail")]
                private bool TailOk() => Tail < 200;
            }
        }
        """;

    /// <summary>
    /// Subsections of subsections, three deep, declared out of wire order: each body is followed by its own
    /// subsections before its later siblings, and loads only its own.
    /// </summary>
    public const string NestedSubsections = """
        using VmState.Codecs; using VmState.Description; using VmState.Wire;

        namespace Golden;

        [VmState("nest", Version = 1)]
        [Subsection("nest/vmx")]
        [Subsection("nest/svm")]
        [Subsection("nest/vmx/vmcs12", Parent = "nest/vmx")]
        [Subsection("nest/vmx/vmcs12/deep", Parent = "nest/vmx/vmcs12")]
        [Subsection("nest/vmx/shadow", Version = 2, Parent = "nest/vmx")]
        public partial class NestedSubs
        {
            [VmStateField("format")] public ushort Format;
            [VmStateField("vmxon_pa", Subsection = "nest/vmx")] public ulong VmxonPa;
            [VmStateField("vmcb_pa", Subsection = "nest/svm")] public ulong VmcbPa;
            [VmStateField("vmcs12", Length = 16, AsArray = true, Subsection = "nest/vmx/vmcs12")] public byte[] Vmcs12 { get; } = new byte[16];
            [VmStateField("deep", Subsection = "nest/vmx/vmcs12/deep")] public uint Deep;
            [VmStateField("shadow", Length = 16, AsArray = true, Subsection = "nest/vmx/shadow")] public byte[] Shadow { get; } = new byte[16];

            public uint Size;

            [Needed("nest/vmx")] private bool IsVmxNeeded() => Format == 0;
            [Needed("nest/svm")] private bool IsSvmNeeded() => Format == 1;
            [Needed("nest/vmx/vmcs12")] private bool IsVmcs12Needed() => Size > 128;
            [Needed("nest/vmx/shadow")] private bool IsShadowNeeded() => Size > 144;
            [PostLoad("nest/vmx/vmcs12/deep")] private void AfterDeepLoad() { }
        }
        """;

    /// <summary>Fields reached by Path: into an array element (struct and class), through objects, to a property.</summary>
    public const string Paths = """
        using VmState.Description;

        namespace Golden;

        public struct Latch
        {
            public ushort Value;
            public byte State;
        }

        public sealed class Fifo
        {
            public uint ReadPointer;
            public ushort Depth { get; set; }
        }

        [VmState("channel")]
        public partial class Channel
        {
            [VmStateField("count")] public int Count;
            public uint IrqDisabled;
        }

        [VmState("paths")]
        public partial class Paths
        {
            [VmStateField("channels[0].irq_disabled", Path = "[0].IrqDisabled")]
            [VmStateField("channels", Length = 2)]
            public Channel[] Channels = [new(), new()];

            [VmStateField("latches[1].value", Path = "[1].Value")] public Latch[] Latches = new Latch[2];
            [VmStateField("queue.rp", Path = "ReadPointer")]
            [VmStateField("queue.depth", Path = ".Depth")]
            public Fifo Queue = new();
            [VmStateField(Path = "State")] public Latch Current;
        }
        """;

    /// <summary>
    /// One name for alternatives chosen by a test and by a version (QEMU's fw_cfg cur_offset), and two slices of one
    /// member, each with its own locals.
    /// </summary>
    public const string Alternatives = """
        using VmState.Description;

        namespace Golden;

        [VmState("alternatives", Version = 2, MinimumVersion = 1)]
        public partial class Alternatives
        {
            [VmStateField("cur_offset", Exists = nameof(IsVersion1))] public ushort CurOffsetV1;
            [VmStateField("cur_offset", Since = 2)] public uint CurOffset;

            [VmStateField("slots", Length = 1)]
            [VmStateField("slots", Start = 1, Length = 1, Since = 2)]
            public uint[] Slots = new uint[2];

            private static bool IsVersion1(int version) => version == 1;
        }
        """;
}
