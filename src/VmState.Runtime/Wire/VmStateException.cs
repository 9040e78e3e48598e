using System.Globalization;
using System.Text;

namespace VmState.Wire;

/// <summary>
/// Base of every error the runtime raises. It names where the problem is: the description (QEMU's vmsd name,
/// or a subsection's name), the field path inside it (<c>tx.data</c>, <c>env.segs[3].base</c>), and the stream
/// offset. The context is filled in while the error travels out of nested structs, so
/// <see cref="Exception.Message"/> is composed on demand.
/// </summary>
public abstract class VmStateException : Exception
{
    private string _fieldPath = "";
    private int _elementIndex = -1;
    private bool _hinted;

    /// <summary>Creates an error with its reason and, when known, the stream offset.</summary>
    protected VmStateException(string reason, long offset, Exception? inner = null)
        : base(reason, inner)
    {
        Reason = reason;
        Offset = offset;
    }

    /// <summary>What went wrong, without the location.</summary>
    public string Reason { get; private set; }

    /// <summary>The section's id string, when the error happened inside a stream section.</summary>
    public string? Section { get; internal set; }

    /// <summary>The description (vmsd) name, or null when the error is not inside one.</summary>
    public string? Description { get; internal set; }

    /// <summary>The field path inside <see cref="Description"/>; empty when the error is not about one field.</summary>
    public string FieldPath => _fieldPath;

    /// <summary>Absolute offset in the stream (or buffer) where the problem was found; -1 when not applicable.</summary>
    public long Offset { get; internal set; }

    /// <summary><c>description/field.path</c>, or as much of it as is known.</summary>
    public string Location => Description is null ? _fieldPath
        : _fieldPath.Length == 0 ? Description
        : Description + "/" + _fieldPath;

    /// <summary>The reason, then section, location and offset, as one printable line (see <see cref="PrintableText"/>).</summary>
    public override string Message
    {
        get
        {
            // The section (and, from the analyzer, the description) name comes from the stream: escaped, so the
            // message stays one printable line; the reason's stream parts are escaped where it is composed.
            var sb = new StringBuilder(PrintableText.OneLine(Reason));
            string location = Location;
            if (Section is not null && Section != Description)
            {
                sb.Append(" in section '").Append(PrintableText.Escape(Section)).Append('\'');
            }

            if (location.Length > 0)
            {
                sb.Append(" at ").Append(PrintableText.Escape(location));
            }

            if (Offset >= 0)
            {
                sb.Append(" (stream offset ").Append(Offset.ToString(CultureInfo.InvariantCulture)).Append(')');
            }

            return sb.ToString();
        }
    }

    /// <summary>Called by generated code as the error leaves a field: puts <c>name[index].</c> in front of the path.</summary>
    /// <param name="name">The field's name in its description.</param>
    /// <param name="index">The element index, or -1 for a field that is not an array.</param>
    public void PrependField(string name, int index)
    {
        if (index < 0)
        {
            index = _elementIndex;
        }

        _elementIndex = -1;
        var sb = new StringBuilder(name);
        if (index >= 0)
        {
            sb.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
        }

        if (_fieldPath.Length > 0)
        {
            sb.Append('.').Append(_fieldPath);
        }

        _fieldPath = sb.ToString();
    }

    /// <summary>
    /// Records the element an array codec was at when the error passed, for the enclosing field's path
    /// (<c>name[index]</c>). Meant for an exception filter: it returns false, so nothing is caught or rethrown.
    /// </summary>
    /// <param name="index">The element index.</param>
    public bool AtElement(int index)
    {
        if (_elementIndex < 0)
        {
            _elementIndex = index;
        }

        return false;
    }

    /// <summary>
    /// Adds a field's hint (QEMU's <c>err_hint</c>) to a failed check's reason; other errors are left as they are.
    /// Meant for an exception filter: it returns false.
    /// </summary>
    /// <param name="hint">What the user should know when this field's check fails.</param>
    public bool AddHint(string hint)
    {
        if (this is VmStateLoadException { IsCheckFailure: true } && !_hinted)
        {
            Reason += " (" + hint + ")";
            _hinted = true;
        }

        return false;
    }

    /// <summary>Called by generated code as the error leaves a subsection: puts <c>name/</c> in front of the path.</summary>
    /// <param name="name">The subsection's name without its parent's prefix (<c>mit_state</c> for <c>e1000/mit_state</c>).</param>
    public void PrependSubsection(string name)
    {
        _fieldPath = _fieldPath.Length == 0 ? name : name + "/" + _fieldPath;
    }

    /// <summary>Sets the description name unless an inner description (a subsection) has already claimed the error.</summary>
    public void SetDescriptionIfUnset(string description)
    {
        Description ??= description;
    }

    /// <summary>Sets the section id string unless already set.</summary>
    public void SetSectionIfUnset(string section)
    {
        Section ??= section;
    }

    // The filters below annotate an error on its way out and never catch it: `catch (VmStateException e) when
    // (e.InSection(idStr)) { }` names the section while the runtime looks for a handler, so the error leaves with its
    // stack unwound once and nothing is rethrown. Inner filters run first, as inner catch blocks would.

    /// <summary>
    /// For an exception filter: names the section (<see cref="SetSectionIfUnset"/>) and returns false, so the error
    /// is not caught.
    /// </summary>
    /// <param name="section">The section's id string.</param>
    public bool InSection(string section)
    {
        SetSectionIfUnset(section);
        return false;
    }

    /// <summary>
    /// For an exception filter: names the description (<see cref="SetDescriptionIfUnset"/>) and returns false, so the
    /// error is not caught.
    /// </summary>
    /// <param name="description">The description (vmsd) name.</param>
    public bool InDescription(string description)
    {
        SetDescriptionIfUnset(description);
        return false;
    }

    /// <summary>
    /// For an exception filter: puts <c>name[index].</c> in front of the field path (<see cref="PrependField"/>) and
    /// returns false, so the error is not caught.
    /// </summary>
    /// <param name="name">The field's name in its description.</param>
    /// <param name="index">The element index, or -1 for a field that is not an array.</param>
    public bool InField(string name, int index)
    {
        PrependField(name, index);
        return false;
    }

    /// <summary>
    /// For an exception filter: puts <c>name/</c> in front of the field path (<see cref="PrependSubsection"/>) and
    /// returns false, so the error is not caught.
    /// </summary>
    /// <param name="name">The subsection's name without its parent's prefix.</param>
    public bool InSubsection(string name)
    {
        PrependSubsection(name);
        return false;
    }
}

/// <summary>A load failed: the input is truncated, malformed, of an unsupported version, or refused by a check.</summary>
public sealed class VmStateLoadException : VmStateException
{
    /// <summary>Creates a load error.</summary>
    public VmStateLoadException(string reason, long offset, Exception? inner = null)
        : base(reason, offset, inner)
    {
    }

    /// <summary>
    /// True when the input simply ended (as opposed to holding a wrong value). A network loader uses it to wait for
    /// more bytes and retry the frame; a file loader reports it as a truncated file.
    /// </summary>
    public bool IsEndOfInput { get; internal init; }

    /// <summary>
    /// With <see cref="IsEndOfInput"/>: how many bytes past the end of the input the read needed at least, so a
    /// network loader waits for that many before it parses the frame again (rather than once per arriving packet).
    /// </summary>
    internal long MissingBytes { get; init; } = 1;

    /// <summary>A codec's check refused the value (an <c>*_EQUAL</c> mismatch, say), as opposed to malformed input.</summary>
    public bool IsCheckFailure { get; internal init; }

    /// <summary>
    /// The load failed after POSTCOPY_RUN: the guest has run on the loaded state, so nothing was rolled back, and the
    /// pages still missing exist only on the source. The migration is paused, not failed: neither side can run the
    /// guest alone.
    /// </summary>
    public bool PostcopyPaused { get; internal init; }
}

/// <summary>A save failed: a hook refused, a device is unmigratable, or the state is inconsistent (a count past its array).</summary>
public sealed class VmStateSaveException : VmStateException
{
    /// <summary>Creates a save error.</summary>
    public VmStateSaveException(string reason, long offset = -1, Exception? inner = null)
        : base(reason, offset, inner)
    {
    }
}
