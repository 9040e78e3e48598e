using VmState.Description;

namespace VmState.Runtime.Tests;

/// <summary>Helpers shared by the runtime tests.</summary>
internal static class Hex
{
    /// <summary>Bytes from a hex literal; spaces, newlines and '|' separators are ignored.</summary>
    public static byte[] Bytes(string hex) =>
        Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)
            .Replace("|", "", StringComparison.Ordinal)
            .Replace("\n", "", StringComparison.Ordinal)
            .Replace("\r", "", StringComparison.Ordinal));

    /// <summary>Lower-case hex of <paramref name="bytes"/>, for readable assertion failures.</summary>
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    /// <summary>Saves <paramref name="value"/> and asserts the bytes equal <paramref name="expectedHex"/>.</summary>
    public static byte[] AssertSaves<T>(T value, string expectedHex)
        where T : IVmStateObject
    {
        byte[] saved = VmStateSerializer.Save(value);
        Assert.Equal(Of(Bytes(expectedHex)), Of(saved));
        Assert.Equal(saved.Length, VmStateSerializer.SizeOf(value));
        return saved;
    }
}
