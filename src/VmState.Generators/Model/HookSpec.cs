namespace VmState.Generators.Model;

/// <summary>A user method the generated code calls: a hook, an existence test or a check.</summary>
/// <param name="MethodName">The method's name.</param>
/// <param name="TakesVersion">It has one <c>int</c> parameter: the version id.</param>
/// <param name="ReturnsBool">It returns <c>bool</c> (false means failure for hooks).</param>
internal sealed record HookSpec(string MethodName, bool TakesVersion, bool ReturnsBool);
