namespace VmState.Description;

/// <summary>Base of the hook attributes: a method the generated code calls at one point of save or load.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public abstract class VmStateHookAttribute : Attribute
{
    /// <summary>A hook of the type itself, or of the subsection <paramref name="subsection"/>.</summary>
    protected VmStateHookAttribute(string? subsection) => Subsection = subsection;

    /// <summary>The subsection whose hook this is; null for the type's own.</summary>
    public string? Subsection { get; }
}

/// <summary>Runs before saving (<c>pre_save</c>): <c>void M()</c>, or <c>bool M()</c> returning false to fail the save.</summary>
public sealed class PreSaveAttribute(string? subsection = null) : VmStateHookAttribute(subsection);

/// <summary>Runs after saving, also after a failed save (<c>post_save</c>): <c>void M()</c> or <c>bool M()</c>.</summary>
public sealed class PostSaveAttribute(string? subsection = null) : VmStateHookAttribute(subsection);

/// <summary>Runs before loading, before anything is read (<c>pre_load</c>): <c>void M()</c> or <c>bool M()</c>.</summary>
public sealed class PreLoadAttribute(string? subsection = null) : VmStateHookAttribute(subsection);

/// <summary>Runs after loading (<c>post_load</c>): <c>M()</c> or <c>M(int versionId)</c> with the incoming version; void or bool.</summary>
public sealed class PostLoadAttribute(string? subsection = null) : VmStateHookAttribute(subsection);

/// <summary>
/// <c>bool M()</c> deciding whether the state is sent at all (<c>needed</c>): for the type, a false result drops
/// the whole section; for a subsection, just that subsection. Never consulted on load.
/// </summary>
public sealed class NeededAttribute(string? subsection = null) : VmStateHookAttribute(subsection);

/// <summary><c>bool M()</c>: true while an unplug is pending, so migration waits (<c>dev_unplug_pending</c>).</summary>
public sealed class DevUnplugPendingAttribute() : VmStateHookAttribute(null);
