using System.Buffers;
using VmState.Codecs;
using VmState.Description;
using VmState.Runtime.Tests.Allocation;
using VmState.Runtime.Tests.Encoding;
using VmState.Runtime.Tests.Subsections;
using VmState.Wire;

namespace VmState.Runtime.Tests.Wire;

/// <summary>A reader over a multi-segment <see cref="ReadOnlySequence{T}"/> behaves exactly like one over a span.</summary>
public sealed class SequenceReaderTests
{
    public static TheoryData<int[]> Chunkings => new()
    {
        new[] { 1 },
        new[] { 2 },
        new[] { 3 },
        new[] { 5 },
        new[] { 7 },
        new[] { 13 },
        new[] { 1, 0, 2, 0, 0, 3 }, // with empty segments in between
        new[] { 4096 },
    };

    private static void LoadsTheSame<T>(T source, Func<T> blank, int[] chunks)
        where T : class, IVmStateObject
    {
        byte[] saved = VmStateSerializer.Save(source);

        T fromSpan = blank();
        VmStateSerializer.Load(fromSpan, saved);

        T fromSequence = blank();
        ReadOnlySequence<byte> sequence = Segments.Split(saved, chunks);
        Assert.Equal(saved.Length, sequence.Length);
        var reader = new VmStateReader(sequence);
        VmStateSerializer.Load(fromSequence, ref reader, T.VmStateDescription.Version);
        Assert.True(reader.End);
        Assert.Equal(saved.Length, reader.Position);

        Assert.Equal(Hex.Of(VmStateSerializer.Save(fromSpan)), Hex.Of(VmStateSerializer.Save(fromSequence)));
        Assert.Equal(Hex.Of(saved), Hex.Of(VmStateSerializer.Save(fromSequence)));
    }

    [Theory]
    [MemberData(nameof(Chunkings))]
    public void Device_with_every_kind_loads_the_same(int[] chunks) =>
        LoadsTheSame(AllocationFreeTests.Sample(), AllocationFreeTests.Blank, chunks);

    [Theory]
    [MemberData(nameof(Chunkings))]
    public void Primitives_load_the_same(int[] chunks) =>
        LoadsTheSame(
            new Primitives { B1 = true, U16 = 0xfffe, U32 = 0x01020304, U64 = 0x1122334455667788, I64 = -2, F64 = -1.25, Mode = Mode.On, Timer = new VmTimer(7), Prop = 9 },
            () => new Primitives(),
            chunks);

    [Theory]
    [MemberData(nameof(Chunkings))]
    public void Arrays_and_buffers_load_the_same(int[] chunks)
    {
        LoadsTheSame(
            new VarArrays { NI32 = 2, AI32 = [1, 2], NU8 = 3, AU8 = [1, 2, 3], NU16 = 1, AU16 = [-4], NU32 = 2, AU32 = [5, 6] },
            () => new VarArrays(),
            chunks);
        LoadsTheSame(
            new Buffers { Fixed = [1, 2, 3, 4], Partial = [0, 0, 9, 8, 7, 0, 0, 0], Len = 11, Data = "hello world"u8.ToArray() },
            () => new Buffers(),
            chunks);
        LoadsTheSame(
            new FixedArrays { W = [1, 2, 3], S = [-1, -2], Q = [3, 4], Flags = [true, true, false], Timers = [new VmTimer(1), default] },
            () => new FixedArrays(),
            chunks);
    }

    [Theory]
    [MemberData(nameof(Chunkings))]
    public void Subsections_load_the_same(int[] chunks) =>
        LoadsTheSame(new SubDev { A = 5, X = 6, Y = 7, Z = 8, OneNeeded = true, TwoNeeded = true }, () => new SubDev { OneNeeded = true, TwoNeeded = true }, chunks);

    [Theory]
    [MemberData(nameof(Chunkings))]
    public void Subsection_lookahead_across_segments_stops_at_the_same_place(int[] chunks)
    {
        byte[] input = [.. VmStateSerializer.Save(new SubDev { A = 1, X = 2, OneNeeded = true }), .. Hex.Bytes("05 07 6f 74 68 65 72 2f 78 00 00 00 01")];
        var span = new VmStateReader(input);
        VmStateSerializer.Load(new SubDev(), ref span, 1);

        var sequence = new VmStateReader(Segments.Split(input, chunks));
        VmStateSerializer.Load(new SubDev(), ref sequence, 1);

        Assert.Equal(span.Position, sequence.Position);
        Assert.Equal(input.Length - 13, sequence.Position);
        Assert.Equal(0x05, sequence.PeekByte());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void Truncated_sequence_fails_like_the_span(int chunk)
    {
        var source = new Nested
        {
            In = new Inner { X = 1, ExtraNeeded = true },
            Pts = [new Point { X = 1 }, new Point { Y = 2 }],
            N = 2,
            Inners = [new Inner { X = 3 }, new Inner { X = 4, ExtraNeeded = true }],
        };
        byte[] saved = VmStateSerializer.Save(source);
        for (int cut = 0; cut < saved.Length; cut++)
        {
            byte[] prefix = saved[..cut];
            Exception? fromSpan = Record.Exception(() => VmStateSerializer.Load(new Nested(), prefix));
            Exception? fromSequence = Record.Exception(() =>
            {
                var reader = new VmStateReader(Segments.Split(prefix, chunk));
                VmStateSerializer.Load(new Nested(), ref reader, 1);
                if (!reader.End)
                {
                    throw new InvalidOperationException("not at end");
                }
            });

            if (fromSpan is null)
            {
                Assert.Null(fromSequence);
                continue;
            }

            var a = Assert.IsType<VmStateLoadException>(fromSpan);
            var b = Assert.IsType<VmStateLoadException>(fromSequence);
            Assert.Equal(a.Offset, b.Offset);
            Assert.Equal(a.Location, b.Location);
            Assert.Equal(a.IsEndOfInput, b.IsEndOfInput);
        }
    }

    [Fact]
    public void Primitive_reads_straddling_segments()
    {
        byte[] data = Hex.Bytes("01 | 02 03 | 04 05 06 07 | 08 09 0a 0b 0c 0d 0e 0f | 10 11 12 | 03 61 62 63 | 3f f0 00 00 00 00 00 00");
        var reader = new VmStateReader(Segments.Split(data, 2, 1, 3), baseOffset: 100);
        Assert.Equal(100, reader.Position);
        Assert.Equal(1, reader.ReadUInt8());
        Assert.Equal(0x0203, reader.ReadUInt16());
        Assert.Equal(0x04050607u, reader.ReadUInt32());
        Assert.Equal(0x08090a0b0c0d0e0ful, reader.ReadUInt64());
        Span<byte> peek = stackalloc byte[3];
        Assert.True(reader.TryPeek(peek));
        Assert.Equal(new byte[] { 0x10, 0x11, 0x12 }, peek.ToArray());
        Assert.Equal(0x10, reader.PeekByte());
        reader.Skip(3);
        Assert.Equal("abc", reader.ReadCountedString());
        Assert.Equal(1.0, reader.ReadFloat64());
        Assert.True(reader.End);
        Assert.Equal(100 + data.Length, reader.Position);
        Assert.Equal(-1, reader.PeekByte());
        Assert.False(reader.TryPeek(peek));
    }

    [Fact]
    public void Reading_past_the_end_of_a_sequence_is_a_load_error_at_the_offset()
    {
        byte[] data = Hex.Bytes("01 02 03");
        var reader = new VmStateReader(Segments.Split(data, 1), baseOffset: 10);
        reader.ReadUInt8();
        long position = -1;
        try
        {
            reader.ReadUInt32();
        }
        catch (VmStateLoadException e)
        {
            Assert.True(e.IsEndOfInput);
            position = e.Offset;
        }

        Assert.Equal(11, position);
    }
}
