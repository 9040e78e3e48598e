using System.Globalization;
using VmState.Wire;

namespace VmState.Compat;

/// <summary>
/// A golden stream failed its check, or cannot be recorded: it does not load into the current code, a field arrived
/// with another value than the recorded stream carried, a field the old version lacked is not at its default, the
/// files are unreadable, or recording would rewrite a stream already recorded for the same version. The message
/// names the file, the version, the field path and both values where they apply.
/// </summary>
public sealed class VmStateGoldenStreamException : VmStateException
{
    /// <summary>Creates a golden stream error.</summary>
    /// <param name="file">The golden file at fault (or the folder that should hold them).</param>
    /// <param name="recordedVersion">The version the stream was recorded at; -1 when the error is not about one.</param>
    /// <param name="reason">What is wrong.</param>
    /// <param name="offset">Offset in the recorded stream, or -1.</param>
    /// <param name="inner">The error underneath, if any.</param>
    public VmStateGoldenStreamException(string file, int recordedVersion, string reason, long offset = -1, Exception? inner = null)
        : base(reason, offset, inner)
    {
        File = file;
        RecordedVersion = recordedVersion;
    }

    /// <summary>The golden file at fault (<c>…/e1000/v2.bin</c>), or the folder that should hold the streams.</summary>
    public string File { get; }

    /// <summary>The version the stream was recorded at; -1 when the error is not about one stream.</summary>
    public int RecordedVersion { get; }

    /// <summary>The value the recorded stream carried (as <c>analyze-migration.py</c> shows it), when a value differs.</summary>
    public string? OldValue { get; init; }

    /// <summary>The value the current code holds after loading the stream (or the fresh object's default).</summary>
    public string? NewValue { get; init; }

    /// <inheritdoc />
    public override string Message => RecordedVersion < 0
        ? base.Message + " [" + File + "]"
        : base.Message + string.Create(CultureInfo.InvariantCulture, $" [golden stream {File}, recorded at version {RecordedVersion}]");
}
