namespace VmState.Generators;

/// <summary>Names of the pipeline steps, so tests can check what was cached.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Specs = nameof(Specs);
    public const string StandIns = nameof(StandIns);
    public const string Diagnostics = nameof(Diagnostics);
    public const string UpdateBaseline = nameof(UpdateBaseline);
    public const string BaselineEntries = nameof(BaselineEntries);
}
