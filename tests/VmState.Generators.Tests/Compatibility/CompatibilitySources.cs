using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Compatibility;

/// <summary>The shipped release the rule tests start from: "dev" at version 2 with an int A and a ushort B.</summary>
internal static class Shipped
{
    public const string Header = """
        using VmState.Description;

        namespace Tests;

        """;

    public static (string File, string Json)[] V2(params string[] subsections) =>
    [
        ("dev-2.json", BaselineJson.File(BaselineJson.Section("dev", 2, 1, [BaselineJson.Field("A", 4), BaselineJson.Field("B", 2)], subsections))),
    ];
}
