namespace VmState.Description;

/// <summary>
/// A load-time check at this point of the field list that transfers nothing (QEMU's <c>VMSTATE_VALIDATE</c>).
/// Put it on a <c>bool M()</c> or <c>bool M(int versionId)</c> method; the load fails when it returns false.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ValidateAttribute : Attribute
{
    /// <summary>A check named <paramref name="name"/> in errors.</summary>
    public ValidateAttribute(string name) => Name = name;

    /// <summary>The check's name.</summary>
    public string Name { get; }

    /// <summary>Subsection the check belongs to.</summary>
    public string? Subsection { get; set; }
}
