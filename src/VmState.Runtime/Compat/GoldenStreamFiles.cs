using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using VmState.Analysis;

namespace VmState.Compat;

/// <summary>
/// The files of one description's golden streams: <c>&lt;folder&gt;/v&lt;version&gt;.bin</c>, the body as the
/// serializer wrote it, and <c>v&lt;version&gt;.json</c> next to it, holding the body's VMDESCRIPTION entry (the
/// layout of that version, which the current code no longer knows) and its decoded values for reviewers
/// (shortened, see <see cref="GoldenStreamReview"/>).
/// </summary>
internal static partial class GoldenStreamFiles
{
    public const string BinExtension = ".bin";
    public const string JsonExtension = ".json";

    // A golden's JSON is small (a description and its values); the bound keeps a stray huge file from being parsed.
    private const long MaxJsonBytes = 64L << 20;

    /// <summary>The folder of <paramref name="name"/>'s streams under <paramref name="directory"/>.</summary>
    /// <exception cref="ArgumentException">The name is not one path segment.</exception>
    public static string Folder(string directory, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (name.Length == 0 || name is "." or ".." || name.IndexOfAny(['/', '\\']) >= 0
            || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"'{name}' cannot name a golden stream folder: pass a name that is one file name", nameof(name));
        }

        return Path.Combine(directory, name);
    }

    public static string BinPath(string folder, int version) =>
        Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"v{version}{BinExtension}"));

    public static string JsonPath(string folder, int version) =>
        Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"v{version}{JsonExtension}"));

    /// <summary>The versions recorded in <paramref name="folder"/>, ascending; a JSON file without its stream is an error.</summary>
    public static List<int> Versions(string folder)
    {
        var bins = new SortedSet<int>();
        var jsons = new SortedSet<int>();
        if (Directory.Exists(folder))
        {
            foreach (string file in Directory.EnumerateFiles(folder))
            {
                Match m = VersionFile().Match(Path.GetFileName(file));
                if (m.Success && int.TryParse(m.Groups["v"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int v))
                {
                    (m.Groups["ext"].Value == BinExtension ? bins : jsons).Add(v);
                }
            }
        }

        foreach (int v in jsons)
        {
            if (!bins.Contains(v))
            {
                throw new VmStateGoldenStreamException(JsonPath(folder, v), v, "The golden stream's description has no stream next to it (" + Path.GetFileName(BinPath(folder, v)) + " is missing)");
            }
        }

        return [.. bins];
    }

    /// <summary>The JSON file's text for a recorded body.</summary>
    public static string JsonText(string name, int version, ReadOnlySpan<byte> body, AnalysisObject description, AnalysisObject state)
    {
        var doc = new AnalysisObject();
        doc.Set("vmsd_name", new AnalysisString(name));
        doc.Set("version", new AnalysisNumber(version.ToString(CultureInfo.InvariantCulture)));
        doc.Set("size", new AnalysisNumber(body.Length.ToString(CultureInfo.InvariantCulture)));
        doc.Set("sha256", new AnalysisString(Sha256(body)));
        doc.Set("description", description);
        doc.Set("state", GoldenStreamReview.Shorten(state));
        return doc.ToJson() + "\n";
    }

    /// <summary>
    /// Reads the JSON file of a recorded body and returns the body's description, after checking that the file
    /// belongs to <paramref name="body"/>, to <paramref name="name"/> and to <paramref name="version"/>.
    /// </summary>
    /// <exception cref="VmStateGoldenStreamException">The file is missing, unreadable or belongs to another stream.</exception>
    public static AnalysisObject ReadDescription(string jsonPath, string name, int version, ReadOnlySpan<byte> body)
    {
        if (!File.Exists(jsonPath))
        {
            throw new VmStateGoldenStreamException(jsonPath, version, "The golden stream's description is missing: without it the layout of version "
                + version.ToString(CultureInfo.InvariantCulture) + " is unknown; record the stream again with its description, or restore the file");
        }

        AnalysisObject doc;
        try
        {
            if (new FileInfo(jsonPath).Length > MaxJsonBytes)
            {
                throw new VmStateGoldenStreamException(jsonPath, version, string.Create(CultureInfo.InvariantCulture, $"The file is larger than {MaxJsonBytes} bytes"));
            }

            using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
            doc = AnalysisNode.FromJson(json.RootElement) as AnalysisObject
                ?? throw new VmStateGoldenStreamException(jsonPath, version, "The file is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new VmStateGoldenStreamException(jsonPath, version, "The file is not valid JSON: " + e.Message, inner: e);
        }

        string recordedName = (doc["vmsd_name"] as AnalysisString)?.Value ?? "";
        if (recordedName != name)
        {
            throw new VmStateGoldenStreamException(jsonPath, version, $"The file describes a stream of '{recordedName}', not of '{name}'");
        }

        if ((doc["version"] as AnalysisNumber)?.Text != version.ToString(CultureInfo.InvariantCulture))
        {
            throw new VmStateGoldenStreamException(jsonPath, version, "The file's \"version\" is not the version in its name");
        }

        if ((doc["sha256"] as AnalysisString)?.Value != Sha256(body))
        {
            throw new VmStateGoldenStreamException(jsonPath, version,
                "The file describes another stream than " + Path.GetFileName(Path.ChangeExtension(jsonPath, BinExtension)) + " (its \"sha256\" differs): the two files of a golden stream belong together");
        }

        if (doc["description"] is not AnalysisObject description || description["fields"] is not AnalysisList)
        {
            throw new VmStateGoldenStreamException(jsonPath, version, "The file has no \"description\" object with \"fields\"");
        }

        return description;
    }

    /// <summary>Writes <paramref name="bytes"/> to a new file at <paramref name="path"/>; never replaces an existing one.</summary>
    public static void WriteNew(string path, ReadOnlySpan<byte> bytes)
    {
        string temp = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        File.WriteAllBytes(temp, bytes.ToArray());
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [GeneratedRegex(@"^v(?<v>[0-9]{1,9})(?<ext>\.bin|\.json)$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionFile();
}
