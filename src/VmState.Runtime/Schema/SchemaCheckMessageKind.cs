namespace VmState.Schema;

/// <summary>Which rule of QEMU's <c>vmstate-static-checker.py</c> a message comes from.</summary>
public enum SchemaCheckMessageKind
{
    /// <summary><c>Warning: checking incompatible machine types: "A", "B"</c> (a warning).</summary>
    MachineTypeMismatch,

    /// <summary><c>Section "S" does not exist in dest</c>.</summary>
    SectionMissing,

    /// <summary><c>Section "S" [Description "D": ]version error: 2 &gt; 1</c>: src is newer than dest accepts.</summary>
    VersionTooNew,

    /// <summary><c>Section "S" Description "D": minimum version error: 1 &lt; 2</c>: src is older than dest accepts.</summary>
    VersionTooOld,

    /// <summary>
    /// <c>Section "S" </c> and nothing more (a fragment, not counted): the same error for a section, or a description
    /// with an empty name, which the script starts printing but never finishes.
    /// </summary>
    VersionTooOldUnfinished,

    /// <summary><c>Section "S", Description "D": expected field "F", got "G"; skipping rest</c>.</summary>
    FieldMismatch,

    /// <summary><c>Section "S", Description "D": expected field "F", while dest has no further fields</c>.</summary>
    DestinationFieldsEnded,

    /// <summary><c>Section "S", Description "D": unused size mismatch near " F"</c> (sic: a space after the quote).</summary>
    UnusedSizeMismatch,

    /// <summary><c>Section "S" Description "D": Entry "K" missing</c>: a key of the description is absent in dest.</summary>
    DescriptionEntryMissing,

    /// <summary><c>Section "S": Entry "K" missing</c>: a key of the section is absent in dest.</summary>
    SectionEntryMissing,

    /// <summary><c>Section "S", Description "D", Field "F": missing description</c>: a struct field lost its description.</summary>
    FieldDescriptionMissing,

    /// <summary><c>Section "S": Description "D" missing, got "E" instead; skipping</c>.</summary>
    DescriptionRenamed,

    /// <summary><c>Section "S", Description "D": Subsection "N" not found</c>.</summary>
    SubsectionMissing,

    /// <summary><c>Section "S" [Description "D" ][Field "F" ]size mismatch: 4 , 2</c>.</summary>
    SizeMismatch,
}
