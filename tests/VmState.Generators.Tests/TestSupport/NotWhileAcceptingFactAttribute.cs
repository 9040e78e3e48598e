namespace VmState.Generators.Tests.TestSupport;

/// <summary>
/// A fact that cannot hold while baselines are being accepted (<c>VMSTATE_ACCEPT=1</c>): it is reported as skipped
/// then, with the reason, rather than passing without checking anything.
/// </summary>
public sealed class NotWhileAcceptingFactAttribute : FactAttribute
{
    public NotWhileAcceptingFactAttribute() => Skip = SkipReason(Environment.GetEnvironmentVariable(GoldenFile.AcceptVariable));

    /// <summary>The skip reason for the accept variable's value: null unless it asks to accept.</summary>
    internal static string? SkipReason(string? acceptValue) =>
        acceptValue == "1" ? $"{GoldenFile.AcceptVariable}=1: baselines are being accepted, which this test rules out otherwise" : null;
}
