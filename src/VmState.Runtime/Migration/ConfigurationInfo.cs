namespace VmState.Migration;

/// <summary>What the configuration section of a loaded stream said.</summary>
/// <param name="MachineName">The source's machine type.</param>
/// <param name="TargetPageBits">Page bits when the source sent them.</param>
/// <param name="Uuid">The source's VM UUID when sent.</param>
public sealed record ConfigurationInfo(string MachineName, int? TargetPageBits, byte[]? Uuid);
