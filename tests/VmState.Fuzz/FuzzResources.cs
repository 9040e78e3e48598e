namespace VmState.Fuzz;

/// <summary>Files embedded in the harness (a fixed dump for <c>check-json</c>), so it runs from any folder.</summary>
internal static class FuzzResources
{
    public static byte[] Read(string name)
    {
        using Stream stream = typeof(FuzzResources).Assembly.GetManifestResourceStream("VmState.Fuzz." + name)
            ?? throw new FileNotFoundException("embedded resource missing", name);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
