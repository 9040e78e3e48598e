namespace VmState.Migration;

/// <summary>Bytes of a RAM block the destination must forget at the switch to postcopy (one POSTCOPY_RAM_DISCARD range).</summary>
/// <param name="Block">The RAM block's id string.</param>
/// <param name="Start">First byte, inside the block (page-aligned).</param>
/// <param name="Length">Bytes (whole pages).</param>
public readonly record struct PostcopyDiscardRange(string Block, ulong Start, ulong Length);
