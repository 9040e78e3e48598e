using VmState.Codecs;
using VmState.Description;
using VmState.Runtime.Tests.Encoding;
using VmState.Runtime.Tests.Subsections;
using VmState.Runtime.Tests.Versioning;
using VmState.Wire;

namespace VmState.Runtime.Tests.Failures;

/// <summary>
/// Every prefix of a saved body fails with <see cref="VmStateLoadException"/> (never another exception), marked as end of
/// input, at an offset no later than the cut. The only prefixes that load are those ending right before trailing
/// subsections, which QEMU also accepts (a missing subsection is not an error).
/// </summary>
public sealed class TruncationTests
{
    private static void EveryCutFails<T>(T source, Func<T> fresh, int[] validCuts, Func<int, long>? expectedOffset = null)
        where T : class, IVmStateObject
    {
        byte[] saved = VmStateSerializer.Save(source);
        Assert.True(saved.Length > 0);
        VmStateSerializer.Load(fresh(), saved);

        for (int cut = 0; cut < saved.Length; cut++)
        {
            T target = fresh();
            Exception? thrown = Record.Exception(() => VmStateSerializer.Load(target, saved.AsSpan(0, cut)));
            if (Array.IndexOf(validCuts, cut) >= 0)
            {
                Assert.Null(thrown);
                continue;
            }

            VmStateLoadException e = Assert.IsType<VmStateLoadException>(thrown);
            Assert.True(e.IsEndOfInput, $"cut {cut}: {e.Message}");
            Assert.InRange(e.Offset, 0, cut);
            Assert.Equal(T.VmStateDescription.Name, e.Description);
            if (expectedOffset is not null)
            {
                Assert.True(expectedOffset(cut) == e.Offset, $"cut {cut}: expected offset {expectedOffset(cut)}, got {e.Offset} ({e.Message})");
            }
        }
    }

    // The offset where each read of the Nested sample starts: a cut fails at the last read start at or before it.
    private static readonly int[] NestedReadStarts =
        [0, 4, 8, 12, 27, 31, 32, 36, 40, 44, 48, 49, 53, 57, 72, 76];

    private static long LastStartAtOrBefore(int[] starts, int cut) => starts.Where(s => s <= cut).Max();

    [Fact]
    public void Nested_structs_with_subsections_fail_at_the_exact_offset()
    {
        var source = new Nested
        {
            Pos = new Point { X = 1, Y = -1 },
            In = new Inner { X = 0x0a0b0c0d, E = 0x7f, ExtraNeeded = true },
            Pts = [new Point { X = 2, Y = 3 }, new Point { X = 4, Y = 5 }],
            N = 2,
            Inners = [new Inner { X = 1 }, new Inner { X = 2, E = 9, ExtraNeeded = true }],
        };
        Assert.Equal(77, VmStateSerializer.SizeOf(source));

        // 57: inners[1] ends before its (optional) subsection, and nothing else follows.
        EveryCutFails(source, () => new Nested(), [57], cut => LastStartAtOrBefore(NestedReadStarts, cut));
    }

    [Fact]
    public void Primitives_fail_at_the_start_of_the_cut_field()
    {
        int[] starts = [0, 1, 2, 3, 5, 9, 17, 18, 20, 24, 32, 40, 42, 50];
        var source = new Primitives { B1 = true, U64 = ulong.MaxValue, F64 = double.Epsilon, Timer = new VmTimer(3), Prop = 1 };
        EveryCutFails(source, () => new Primitives(), [], cut => LastStartAtOrBefore(starts, cut));
    }

    [Fact]
    public void Fixed_arrays()
    {
        var source = new FixedArrays { Timers = [new VmTimer(1), new VmTimer(2)], Modes = [Mode.On, Mode.On] };
        EveryCutFails(source, () => new FixedArrays(), []);
    }

    [Fact]
    public void Variable_arrays_fail_at_their_count_or_their_start()
    {
        var source = new VarArrays { NI32 = 2, AI32 = [1, 2], NU8 = 3, AU8 = [1, 2, 3], NU16 = 1, AU16 = [4], NU32 = 2, AU32 = [5, 6] };
        // n_i32 0, a_i32 4, n_u8 12, a_u8 13, n_u16 19, a_u16 21, n_u32 29, a_u32 33; a whole array is checked up front.
        int[] starts = [0, 4, 12, 13, 19, 21, 29, 33];
        EveryCutFails(source, () => new VarArrays(), [], cut => LastStartAtOrBefore(starts, cut));
    }

    [Fact]
    public void Buffers()
    {
        var source = new Buffers { Len = 6, Data = [1, 2, 3, 4, 5, 6] };
        EveryCutFails(source, () => new Buffers(), [], cut => LastStartAtOrBefore([0, 4, 7, 11], cut));
    }

    [Fact]
    public void Subsections_and_their_headers()
    {
        var source = new SubDev { A = 1, X = 2, Y = 3, Z = 4, OneNeeded = true, TwoNeeded = true };
        // The body may end after the fields (2) and after the first subsection (2 + 15 + 5 = 22).
        EveryCutFails(source, () => new SubDev(), [2, 22]);
    }

    [Fact]
    public void Gated_fields_padding_and_tmp()
    {
        EveryCutFails(new Versioned { CFlag = true, Arr = [1, 2] }, () => new Versioned { CFlag = true }, []);
        EveryCutFails(new TmpParent { Hi = 1, Lo = 2 }, () => new TmpParent(), []);
        EveryCutFails(new UnusedDev { A = 1, B = 2 }, () => new UnusedDev(), [], cut => LastStartAtOrBefore([0, 1, 4, 6], cut));
    }

    [Fact]
    public void Empty_input_fails_at_offset_zero()
    {
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() => VmStateSerializer.Load(new MyDev(), ReadOnlySpan<byte>.Empty));
        Assert.Equal(0, e.Offset);
        Assert.Equal("mydev", e.Description);
        Assert.Equal("a", e.FieldPath);
    }
}
