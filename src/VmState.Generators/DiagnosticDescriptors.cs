using Microsoft.CodeAnalysis;

namespace VmState.Generators;

/// <summary>
/// Every diagnostic of the generator and its analyzers, in one place. VMS0001 onward are "cannot generate" errors:
/// the generator cannot write correct save/load code for what was written. VMS0101 onward are the compatibility
/// analyzer's: the code breaks a schema a release shipped. VMS0111 onward are policy rules that need no baseline.
/// Ids are stable; docs/diagnostics.md explains each.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "VmState.Generation";
    private const string CompatibilityCategory = "VmState.Compatibility";
    private const string PolicyCategory = "VmState.Policy";
    private const string HelpBase = "https://github.com/vmstate/vmstate/blob/main/docs/diagnostics.md#";

    public static readonly DiagnosticDescriptor TypeNotPartial = Create(
        "VMS0001", "Described type must be partial",
        "Type '{0}' has [VmState] but is not partial (nor are all types that contain it); the generator cannot add its save/load code",
        "The generator adds members to the type in another part; mark the type and every containing type 'partial'.");

    public static readonly DiagnosticDescriptor UnsupportedMemberType = Create(
        "VMS0002", "Member type cannot be migrated",
        "Member '{0}' of type '{1}' cannot be migrated: {2}",
        "Supported: bool, integers, enums, double, VmTimer, byte[] buffers, arrays of these, [VmState] types and arrays of them, or any type with a Codec.");

    public static readonly DiagnosticDescriptor InvalidCountField = Create(
        "VMS0003", "Count member is missing, not integral, or declared after its array",
        "Count member '{0}' of '{1}' {2}",
        "A variable array or buffer takes its length from an int, uint, ushort or byte member of the type. A migrated count must come earlier in the field list, so the loader has read it; a count that is not migrated is the destination's own value (its configuration fixes it, as for QEMU's CPU hotplug arrays).");

    public static readonly DiagnosticDescriptor SinceAboveVersion = Create(
        "VMS0004", "Field version above the description's version",
        "Field '{0}' has Since = {1} but '{2}' is at version {3}; the field would never be saved",
        "Raise the description's Version (or the subsection's) to at least the field's Since.");

    public static readonly DiagnosticDescriptor MinimumAboveVersion = Create(
        "VMS0005", "Minimum version above version",
        "'{0}' has MinimumVersion = {1} above Version = {2}; nothing could be loaded",
        "MinimumVersion is the oldest incoming version accepted and must not exceed Version.");

    public static readonly DiagnosticDescriptor DuplicateName = Create(
        "VMS0006", "Duplicate field or subsection name",
        "'{0}' is used more than once in '{1}'",
        "Field names identify fields in schemas and errors. They may repeat only for padding, for alternatives each guarded by Exists or by a Since version (QEMU's fw_cfg sends a 16-bit cur_offset to version 1 and a 32-bit one since version 2), for slices (Start) of one array, or for one array of structs described through several struct types (distinct element type or Start), as in QEMU's own descriptions.");

    public static readonly DiagnosticDescriptor InvalidMethod = Create(
        "VMS0007", "Hook, test or check method not found or of the wrong shape",
        "{0} method '{1}' on '{2}' {3}",
        "Exists tests and checks return bool and take nothing or one int (the version); Needed and DevUnplugPending return bool and take nothing (QEMU passes them only the device); other hooks return void or bool; PostLoad may take the version. None may be generic.");

    public static readonly DiagnosticDescriptor InvalidSubsection = Create(
        "VMS0008", "Invalid subsection",
        "Subsection '{0}' of '{1}': {2}",
        "Declare subsections with [Subsection(\"parent/name\")] on the type; the name must start with the parent's name, as QEMU's loader checks (\"parent/name\" by convention; QEMU's own apic has \"apic_sipi\"), and be unique. A nested subsection (Parent = \"parent/name\") must start with its parent subsection's name: \"parent/name/inner\".");

    public static readonly DiagnosticDescriptor InvalidShape = Create(
        "VMS0009", "Array or buffer length missing or invalid",
        "Member '{0}': {1}",
        "An array or buffer needs exactly one of Length (fixed) and Count (variable); Length and Start must not be negative; scalars take neither.");

    public static readonly DiagnosticDescriptor InvalidCodec = Create(
        "VMS0010", "Codec does not fit the member",
        "Codec '{0}' of member '{1}' must implement VmState.Codecs.IVmStateCodec<{0}, {2}>",
        "A codec reads and writes one element of the member's type.");

    public static readonly DiagnosticDescriptor MemberNotWritable = Create(
        "VMS0011", "Member cannot be loaded",
        "Member '{0}' {1}",
        "Loaded values are stored back: value members need a setter and must not be readonly.");

    public static readonly DiagnosticDescriptor GenericType = Create(
        "VMS0012", "Generic described types are not supported",
        "Type '{0}' is generic; a description has one fixed layout",
        "Describe a closed, non-generic type.");

    public static readonly DiagnosticDescriptor InvalidOption = Create(
        "VMS0013", "Field option does not fit the member",
        "Member '{0}': {1}",
        "Equal applies to byte, ushort, uint, int and ulong; PositiveLe to int; Default must be a constant of the member's type.");

    public static readonly DiagnosticDescriptor InvalidSubsectionParent = Create(
        "VMS0014", "Invalid subsection parent",
        "Subsection '{0}' has Parent = '{1}': {2}",
        "Parent names another [Subsection] declared on the same type, which then encloses this one; leave it unset for a subsection of the type itself. Following Parent links must end at the type, never come back to where they started.");

    public static readonly DiagnosticDescriptor NegativeVersion = Create(
        "VMS0015", "Negative version",
        "'{0}' has {1} = {2}; versions are 0 or more",
        "QEMU's version ids count up from 0 (most descriptions start at 1); a negative Version or MinimumVersion can neither be sent nor accepted.");

    // Compatibility with shipped schemas (VMS0101 onward): the current code checked against -dump-vmstate baselines.

    public static readonly DiagnosticDescriptor VersionLowered = CreateCompatibility(
        "VMS0101", "Version lowered below a shipped version",
        "'{0}' has Version = {1}, below version {2} shipped in '{3}'; streams from that release would be refused",
        "A description's Version only goes up: a destination refuses a stream whose version is above its own, so a release that lowers it cannot load what an earlier release saved. Restore the shipped Version or raise it.");

    public static readonly DiagnosticDescriptor MinimumRaised = CreateCompatibility(
        "VMS0102", "MinimumVersion raised above a shipped version",
        "'{0}' has MinimumVersion = {1}, above version {2} shipped in '{3}'; streams from that release would no longer load",
        "MinimumVersion is the oldest incoming version accepted; raising it above a shipped Version drops migration from that release. Keep MinimumVersion at or below every shipped Version you still support, or remove that release's baseline on purpose.");

    public static readonly DiagnosticDescriptor ShippedFieldMissing = CreateCompatibility(
        "VMS0103", "Shipped field missing, renamed or moved",
        "Field '{0}' of '{1}', shipped in '{2}', is missing, renamed or moved: '{3}' stands where it was",
        "The wire carries fields in order and without names, so a shipped field must stay, under its name, in its place. Put it back (as [Unused] padding of the same size if its value is gone), keep its name, or move new fields after it.");

    public static readonly DiagnosticDescriptor FieldSizeChanged = CreateCompatibility(
        "VMS0104", "Shipped field changed size",
        "Field '{0}' of '{1}' has {2} = {3} but shipped with {2} = {4} in '{5}'",
        "A field's size (and element count) is part of the wire format: old streams carry the shipped number of bytes. Keep the shipped type and length; put a value of another size in a new field with a higher Since, or in a subsection.");

    public static readonly DiagnosticDescriptor NewFieldWithoutVersion = CreateCompatibility(
        "VMS0105", "New field without a version bump",
        "New field '{0}' of '{1}' is missing from the streams of version {3} shipped in '{4}': {2}",
        "A field that a shipped release did not send needs Since above that release's Version (and the description's Version raised to it), or belongs in a new [Subsection] with a [Needed] test, which old destinations can do without. Inside a nested struct only the subsection works: the struct is loaded at its own version, whatever the stream's.");

    public static readonly DiagnosticDescriptor ShippedSubsectionMissing = CreateCompatibility(
        "VMS0106", "Shipped subsection missing",
        "Subsection '{0}' of '{1}', shipped in '{2}', is missing; streams from that release that carry it would fail to load",
        "A destination fails on a subsection it does not know. Keep every shipped [Subsection] (its fields may become padding) for as long as that release's streams must load.");

    public static readonly DiagnosticDescriptor BaselineUnreadable = new(
        "VMS0107", "VmState baseline cannot be read",
        "VmState baseline '{0}' cannot be read: {1}",
        CompatibilityCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        "An AdditionalFiles item marked VmStateBaseline=\"true\" must be a -dump-vmstate JSON file; no type is checked against a file that cannot be read.",
        HelpBase + "vms0107", WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor FieldRenamed = new(
        "VMS0108", "Shipped field renamed",
        "Field '{0}' of '{1}' stands where '{2}' shipped in '{3}', with the same size; if it is a rename, record it with FormerName = \"{2}\"",
        CompatibilityCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        "The wire carries no names, so a rename keeps streams loading; it changes only the schema, where QEMU's checker and 'check' see a missing field. Record the shipped name with [VmStateField(FormerName = \"old\")] (which also lets SchemaChecker forgive it), or restore the name. A rename that is really a new field in place of a removed one is a wire break.",
        HelpBase + "vms0108");

    public static readonly DiagnosticDescriptor SinceChanged = CreateCompatibility(
        "VMS0109", "Since of a shipped field changed",
        "Field '{0}' of '{1}' has Since = {2} but shipped with Since = {3} in '{4}'; streams of versions between them would be read without it or with it wrongly",
        "Since says from which incoming version a field is on the wire. Changing it for a shipped field makes the code read streams of the versions in between with a different layout than the release that wrote them. Restore the shipped Since; to change the layout, add a new field.");

    public static readonly DiagnosticDescriptor ExistsChanged = CreateCompatibility(
        "VMS0110", "Shipped field gained or lost Exists",
        "Field '{0}' of '{1}' {2} an Exists test, unlike the field shipped in '{3}'; the two sides would disagree on whether its bytes are on the wire",
        "A field with Exists is on the wire only when its test says so; a field without one always is. Adding or removing the test on a shipped field changes the bytes whenever the test is false. Keep the shipped form, or move the conditional value into a subsection with a Needed test.");

    public static readonly DiagnosticDescriptor VersionUnused = new(
        "VMS0111", "Version above what any field needs",
        "'{0}' has Version = {1}, but no field, padding or subsection of it has Since = {1}, and no hook or test takes the version; older destinations refuse its streams for nothing",
        PolicyCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        "A version bump makes every older destination refuse the stream. It pays for itself when a field with that Since is added, or when PostLoad or a test reads the version to convert old state. If neither is true, keep the earlier Version; if the bump is on purpose (a change of meaning), take the version in PostLoad or suppress VMS0111 for the type.",
        HelpBase + "vms0111");

    public static readonly DiagnosticDescriptor PredicateAssigns = new(
        "VMS0112", "Needed or Exists test changes state",
        "{0} test '{1}' assigns '{2}'; a test that changes state can make save and load disagree on what is on the wire",
        PolicyCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        "Needed and Exists tests decide what goes on the wire, and run on both sides at different times. A test that assigns a member makes its answer depend on when and how often it ran, so the destination can read bytes into the wrong fields. Compute the answer only; prepare state in PreSave.",
        HelpBase + "vms0112");

    public static readonly DiagnosticDescriptor ArrayOfNullElements = new(
        "VMS0113", "Array of described class elements starts out null",
        "Member '{0}' is an array of the class '{1}' created without its elements; saving it fails at run time with 'Nested state is null'",
        PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        "'new T[n]' of a class type holds n nulls, and the generated code has no object to save them from (nor, without a parameterless constructor, to load them into). Create the elements where the array is made (a collection expression [new(), new()] or new T[] { ... }), or assign the member in every constructor.",
        HelpBase + "vms0113");

    private static DiagnosticDescriptor Create(string id, string title, string message, string description) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, description, HelpBase + id.ToLowerInvariant());

    private static DiagnosticDescriptor CreateCompatibility(string id, string title, string message, string description) =>
        new(id, title, message, CompatibilityCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, description, HelpBase + id.ToLowerInvariant());

    public static DiagnosticDescriptor? ById(string id) => id switch
    {
        "VMS0001" => TypeNotPartial,
        "VMS0002" => UnsupportedMemberType,
        "VMS0003" => InvalidCountField,
        "VMS0004" => SinceAboveVersion,
        "VMS0005" => MinimumAboveVersion,
        "VMS0006" => DuplicateName,
        "VMS0007" => InvalidMethod,
        "VMS0008" => InvalidSubsection,
        "VMS0009" => InvalidShape,
        "VMS0010" => InvalidCodec,
        "VMS0011" => MemberNotWritable,
        "VMS0012" => GenericType,
        "VMS0013" => InvalidOption,
        "VMS0014" => InvalidSubsectionParent,
        "VMS0015" => NegativeVersion,
        "VMS0101" => VersionLowered,
        "VMS0102" => MinimumRaised,
        "VMS0103" => ShippedFieldMissing,
        "VMS0104" => FieldSizeChanged,
        "VMS0105" => NewFieldWithoutVersion,
        "VMS0106" => ShippedSubsectionMissing,
        "VMS0107" => BaselineUnreadable,
        "VMS0108" => FieldRenamed,
        "VMS0109" => SinceChanged,
        "VMS0110" => ExistsChanged,
        "VMS0111" => VersionUnused,
        "VMS0112" => PredicateAssigns,
        "VMS0113" => ArrayOfNullElements,
        _ => null,
    };
}
