using System.Buffers;
using VmState.Wire;

namespace VmState.Description;

/// <summary>Saves and loads one described object on its own (outside a stream), and describes it.</summary>
public static class VmStateSerializer
{
    /// <summary>Writes <paramref name="value"/>'s body at its current version into <paramref name="output"/>.</summary>
    public static void Save<T>(T value, IBufferWriter<byte> output)
        where T : IVmStateObject
    {
        ArgumentNullException.ThrowIfNull(value);
        var writer = new VmStateWriter(output);
        try
        {
            value.SaveVmState(ref writer);
        }
        catch (VmStateException e) when (e.InDescription(T.VmStateDescription.Name))
        {
        }

        writer.Flush();
    }

    /// <summary>Writes <paramref name="value"/>'s body at its current version into a new array.</summary>
    public static byte[] Save<T>(T value)
        where T : IVmStateObject
    {
        var output = new ArrayBufferWriter<byte>();
        Save(value, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads a body written at <paramref name="versionId"/> (default: the current version) into <paramref name="value"/>.
    /// The whole input must be consumed. Not transactional by itself: a failure can leave fields half loaded
    /// (streams stage and roll back).
    /// </summary>
    public static void Load<T>(T value, ReadOnlySpan<byte> input, int? versionId = null)
        where T : class, IVmStateObject
    {
        ArgumentNullException.ThrowIfNull(value);
        var reader = new VmStateReader(input);
        Load(value, ref reader, versionId ?? T.VmStateDescription.Version);
        if (!reader.End)
        {
            throw new VmStateLoadException($"{reader.Remaining} byte(s) left after the body", reader.Position)
            {
                Description = T.VmStateDescription.Name,
            };
        }
    }

    /// <summary>Reads a body from <paramref name="reader"/>, naming the description in any error.</summary>
    public static void Load<T>(T value, ref VmStateReader reader, int versionId)
        where T : class, IVmStateObject
    {
        ArgumentNullException.ThrowIfNull(value);
        try
        {
            value.LoadVmState(ref reader, versionId);
        }
        catch (VmStateException e) when (e.InDescription(T.VmStateDescription.Name))
        {
        }
    }

    /// <summary>The VMDESCRIPTION object QEMU would write for this instance (without <c>name</c>/<c>instance_id</c>).</summary>
    public static string Describe<T>(T value)
        where T : IVmStateObject
    {
        ArgumentNullException.ThrowIfNull(value);
        var json = new VmDescriptionWriter();
        json.BeginObject();
        value.DescribeVmState(json);
        json.EndObject();
        return json.ToString();
    }

    /// <summary>Bytes a save of <paramref name="value"/> would write now.</summary>
    public static int SizeOf<T>(T value)
        where T : IVmStateObject
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.DescribeVmState(null);
    }
}
