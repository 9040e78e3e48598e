namespace VmState.Benchmarks.Ram;

/// <summary>What a benchmark guest's RAM holds: the three cases the issue asks for.</summary>
public enum RamFill
{
    /// <summary>Every page zero (a freshly booted guest): limited by how fast the sender can scan memory.</summary>
    Zero,

    /// <summary>Every page random bytes: every byte has to travel.</summary>
    Random,

    /// <summary>One page in ten holds random bytes, the rest are zero (a lightly used guest).</summary>
    Touched10,
}
