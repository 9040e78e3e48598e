namespace VmState.CodeFixes.Tests.TestSupport;

/// <summary>Small <c>-dump-vmstate</c> files, as a release would have shipped them.</summary>
internal static class BaselineJson
{
    /// <summary>A whole file of <paramref name="sections"/>, after the <c>vmschkmachine</c> entry.</summary>
    public static string File(params string[] sections) =>
        "{\n  \"vmschkmachine\": { \"Name\": \"test-machine\" }" + string.Concat(sections.Select(s => ",\n  " + s)) + "\n}\n";

    /// <summary>One section named like its description.</summary>
    public static string Section(string name, int version, int minimum, string[] fields, params string[] subsections) =>
        $"\"{name}\": {{ \"Name\": \"{name}\", \"version_id\": {version}, \"minimum_version_id\": {minimum}, \"Description\": {Description(name, version, minimum, fields, subsections)} }}";

    public static string Description(string name, int version, int minimum, string[] fields, params string[] subsections) =>
        $"{{ \"name\": \"{name}\", \"version_id\": {version}, \"minimum_version_id\": {minimum}, \"Fields\": [{string.Join(", ", fields)}]"
        + (subsections.Length > 0 ? $", \"Subsections\": [{string.Join(", ", subsections)}]" : "") + " }";

    public static string Field(string name, int size, int version = 0, int? num = null) =>
        $"{{ \"field\": \"{name}\", \"version_id\": {version}, \"field_exists\": false" + (num is int n ? $", \"num\": {n}" : "") + $", \"size\": {size} }}";

    /// <summary>
    /// "dev" at version 2 with fields A (int32), B (uint16) and C (uint8, since version 2, which is what needed the
    /// version), in <c>dev-2.json</c>.
    /// </summary>
    public static (string File, string Json) DevV2() =>
        ("dev-2.json", File(Section("dev", 2, 1, [Field("A", 4), Field("B", 2), Field("C", 1, version: 2)])));
}
