// The baseline update (dotnet build -p:VmStateUpdateBaseline=true): the generator put every [VmState] type's
// -dump-vmstate entry into the built assembly as attributes; this file reads them back and merges them into the
// baseline file. One file serves two compilations, because an inline MSBuild task (RoslynCodeTaskFactory) takes
// exactly one: VmState.targets compiles all of it as the task, and the generator assembly compiles it with
// VMSTATE_GENERATOR (everything but the task class), so tests and code fixes call the same merge.
// It must compile as C# for netstandard2.0 without the generator's polyfills: no records, no init accessors.
#nullable enable

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;

namespace VmState.Generators.BaselineUpdate
{
    /// <summary>
    /// One [VmState] type's entry in a <c>-dump-vmstate</c> file, as the generator wrote it: the key, the JSON value
    /// in QEMU's spacing (or why it cannot be written), and whether the type is a section of its own.
    /// </summary>
    internal sealed class BaselineEntry : IEquatable<BaselineEntry>
    {
        public BaselineEntry(string key, string typeName, bool isSection, string? json, string? problem)
        {
            Key = key;
            TypeName = typeName;
            IsSection = isSection;
            Json = json;
            Problem = problem;
        }

        /// <summary>The entry's key: the device type, else the description name.</summary>
        public string Key { get; }

        /// <summary>The C# type that has the description, for messages.</summary>
        public string TypeName { get; }

        /// <summary>
        /// The type is not nested in another [VmState] type of its assembly, so it is a section and gets an entry of its
        /// own; a nested type only replaces an entry the file already has.
        /// </summary>
        public bool IsSection { get; }

        /// <summary>The entry's value as it stands in the file (an object at two spaces); null when <see cref="Problem"/> is set.</summary>
        public string? Json { get; }

        /// <summary>Why the build cannot write the entry (a size only known at run time), or null.</summary>
        public string? Problem { get; }

        public bool Equals(BaselineEntry? other) => other is not null
            && string.Equals(Key, other.Key, StringComparison.Ordinal)
            && string.Equals(TypeName, other.TypeName, StringComparison.Ordinal)
            && IsSection == other.IsSection
            && string.Equals(Json, other.Json, StringComparison.Ordinal)
            && string.Equals(Problem, other.Problem, StringComparison.Ordinal);

        public override bool Equals(object? obj) => Equals(obj as BaselineEntry);

        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key) ^ StringComparer.Ordinal.GetHashCode(TypeName);
    }

    /// <summary>What <see cref="BaselineFile.Update"/> decided: the new text, or the errors that stop it.</summary>
    internal sealed class BaselineMerge
    {
        public BaselineMerge(string? text, IReadOnlyList<string> errors, IReadOnlyList<string> kept, int written)
        {
            Text = text;
            Errors = errors;
            Kept = kept;
            Written = written;
        }

        /// <summary>The file's new text; null when there are <see cref="Errors"/>.</summary>
        public string? Text { get; }

        /// <summary>Why nothing may be written; each names the file and the entry or position.</summary>
        public IReadOnlyList<string> Errors { get; }

        /// <summary>Keys of entries the code no longer describes: kept as they were, for a warning.</summary>
        public IReadOnlyList<string> Kept { get; }

        /// <summary>How many descriptions came from the code (replaced and added).</summary>
        public int Written { get; }
    }

    /// <summary>
    /// Merges the code's entries into a baseline file's text. The <c>vmschkmachine</c> entry stays (or is made, naming
    /// the machine given); every entry the code describes is replaced in place; sections the file lacks are added after
    /// the others in ordinal key order; entries the code no longer describes stay. The result is printed as QEMU's
    /// <c>-dump-vmstate</c> prints (two-space indent, one key per line, a newline at the end), so that a second update
    /// changes nothing and a kept entry reads like the rest.
    /// </summary>
    internal static class BaselineFile
    {
        public const string MachineKey = "vmschkmachine";

        public static BaselineMerge Update(string? existingText, string file, IReadOnlyList<BaselineEntry> entries, string machine)
        {
            var errors = new List<string>();
            List<BaselineJson.Member> existing;
            try
            {
                existing = existingText is null || existingText.Trim().Length == 0 ? new List<BaselineJson.Member>() : BaselineJson.ParseTop(existingText);
            }
            catch (FormatException e)
            {
                return Failed(file + ": " + e.Message);
            }

            var inFile = new HashSet<string>(StringComparer.Ordinal);
            foreach (BaselineJson.Member m in existing)
            {
                if (!inFile.Add(m.Key))
                {
                    errors.Add(file + ": the key '" + m.Key + "' appears twice");
                }
            }

            // One text per key: several types may describe the same key only alike.
            var byKey = new SortedDictionary<string, List<BaselineEntry>>(StringComparer.Ordinal);
            foreach (BaselineEntry e in entries)
            {
                if (string.Equals(e.Key, MachineKey, StringComparison.Ordinal))
                {
                    continue;
                }

                if (!byKey.TryGetValue(e.Key, out List<BaselineEntry>? list))
                {
                    byKey[e.Key] = list = new List<BaselineEntry>();
                }

                list.Add(e);
            }

            var code = new Dictionary<string, string>(StringComparer.Ordinal);
            var added = new List<string>();
            foreach (KeyValuePair<string, List<BaselineEntry>> group in byKey)
            {
                bool section = group.Value.Exists(e => e.IsSection);
                if (!section && !inFile.Contains(group.Key))
                {
                    continue;
                }

                BaselineEntry first = group.Value[0];
                BaselineEntry? other = group.Value.Find(e => !string.Equals(e.Json, first.Json, StringComparison.Ordinal)
                    || !string.Equals(e.Problem, first.Problem, StringComparison.Ordinal));
                if (other is not null)
                {
                    errors.Add(file + ": '" + group.Key + "' is described differently by " + first.TypeName + " and " + other.TypeName);
                    continue;
                }

                if (first.Problem is not null || first.Json is null)
                {
                    errors.Add(file + ": cannot write '" + group.Key + "' (" + first.TypeName + "): " + (first.Problem ?? "no description"));
                    continue;
                }

                code[group.Key] = first.Json;
                if (!inFile.Contains(group.Key))
                {
                    added.Add(group.Key);
                }
            }

            if (errors.Count > 0)
            {
                return new BaselineMerge(null, errors, Array.Empty<string>(), 0);
            }

            var members = new List<KeyValuePair<string, string>>();
            var kept = new List<string>();
            if (!inFile.Contains(MachineKey))
            {
                members.Add(new KeyValuePair<string, string>(Quote(MachineKey), "{\n    \"Name\": " + Quote(machine) + "\n  }"));
            }

            foreach (BaselineJson.Member m in existing)
            {
                if (code.TryGetValue(m.Key, out string? json))
                {
                    members.Add(new KeyValuePair<string, string>(m.RawKey, json));
                    continue;
                }

                if (!string.Equals(m.Key, MachineKey, StringComparison.Ordinal))
                {
                    kept.Add(m.Key);
                }

                members.Add(new KeyValuePair<string, string>(m.RawKey, BaselineJson.Format(m.Value, 2)));
            }

            foreach (string key in added)
            {
                members.Add(new KeyValuePair<string, string>(Quote(key), code[key]));
            }

            var sb = new StringBuilder("{\n");
            for (int i = 0; i < members.Count; i++)
            {
                sb.Append(i == 0 ? "  " : ",\n  ").Append(members[i].Key).Append(": ").Append(members[i].Value);
            }

            sb.Append("\n}\n");
            return new BaselineMerge(sb.ToString(), errors, kept, code.Count);
        }

        /// <summary>A name in quotes, as QEMU prints it (a plain %s: only a quote needs care).</summary>
        public static string Quote(string s) => "\"" + s.Replace("\"", "\\\"") + "\"";

        private static BaselineMerge Failed(string error) => new BaselineMerge(null, new[] { error }, Array.Empty<string>(), 0);
    }

    /// <summary>
    /// Just enough JSON for a baseline file: objects keep their keys in order and scalars keep their text, so an
    /// entry is printed again in QEMU's spacing with its values as written. Input is bounded by its own length and a
    /// nesting limit; an error names the line and column.
    /// </summary>
    internal static class BaselineJson
    {
        private const int MaxDepth = 64;

        /// <summary>A value: an object (<see cref="Members"/>), an array (<see cref="Items"/>) or a scalar's text.</summary>
        internal sealed class Value
        {
            public List<Member>? Members;
            public List<Value>? Items;
            public string? Scalar;
        }

        /// <summary>An object member: its key as written (quotes and escapes), its key decoded, its value.</summary>
        internal sealed class Member
        {
            public Member(string rawKey, string key, Value value)
            {
                RawKey = rawKey;
                Key = key;
                Value = value;
            }

            public string RawKey { get; }

            public string Key { get; }

            public Value Value { get; }
        }

        /// <summary>The members of the top-level object of <paramref name="text"/>; throws <see cref="FormatException"/>.</summary>
        public static List<Member> ParseTop(string text)
        {
            var p = new Parser(text);
            p.Skip();
            if (p.Peek() != '{')
            {
                throw p.Error("the top level is not an object");
            }

            Value top = p.ParseValue(0);
            p.Skip();
            if (!p.AtEnd)
            {
                throw p.Error("text after the top-level object");
            }

            return top.Members!;
        }

        /// <summary><paramref name="v"/> as QEMU prints it, its closing bracket at <paramref name="indent"/> spaces.</summary>
        public static string Format(Value v, int indent)
        {
            var sb = new StringBuilder();
            Format(sb, v, indent);
            return sb.ToString();
        }

        private static void Format(StringBuilder sb, Value v, int indent)
        {
            if (v.Scalar is not null)
            {
                sb.Append(v.Scalar);
                return;
            }

            string pad = new string(' ', indent + 2);
            sb.Append(v.Members is not null ? "{\n" : "[\n");
            int count = v.Members?.Count ?? v.Items!.Count;
            for (int i = 0; i < count; i++)
            {
                sb.Append(i == 0 ? "" : ",\n").Append(pad);
                if (v.Members is not null)
                {
                    sb.Append(v.Members[i].RawKey).Append(": ");
                    Format(sb, v.Members[i].Value, indent + 2);
                }
                else
                {
                    Format(sb, v.Items![i], indent + 2);
                }
            }

            // QEMU closes an empty list on a line of its own too ("Fields": [ blank line ]).
            sb.Append('\n').Append(' ', indent).Append(v.Members is not null ? '}' : ']');
        }

        private sealed class Parser
        {
            private readonly string _s;
            private int _i;

            public Parser(string s)
            {
                _s = s;
                _i = s.Length > 0 && s[0] == '\uFEFF' ? 1 : 0;
            }

            public bool AtEnd => _i >= _s.Length;

            public char Peek() => _i < _s.Length ? _s[_i] : '\0';

            public void Skip()
            {
                while (_i < _s.Length && (_s[_i] == ' ' || _s[_i] == '\t' || _s[_i] == '\n' || _s[_i] == '\r'))
                {
                    _i++;
                }
            }

            public Value ParseValue(int depth)
            {
                if (depth > MaxDepth)
                {
                    throw Error("nested deeper than " + MaxDepth.ToString(CultureInfo.InvariantCulture) + " levels");
                }

                Skip();
                char c = Peek();
                if (c == '{')
                {
                    _i++;
                    var members = new List<Member>();
                    Skip();
                    if (Peek() == '}')
                    {
                        _i++;
                        return new Value { Members = members };
                    }

                    while (true)
                    {
                        Skip();
                        if (Peek() != '"')
                        {
                            throw Error("expected a key in quotes");
                        }

                        int start = _i;
                        string key = ParseString();
                        string raw = _s.Substring(start, _i - start);
                        Skip();
                        Expect(':');
                        members.Add(new Member(raw, key, ParseValue(depth + 1)));
                        Skip();
                        if (Peek() == ',')
                        {
                            _i++;
                            continue;
                        }

                        Expect('}');
                        return new Value { Members = members };
                    }
                }

                if (c == '[')
                {
                    _i++;
                    var items = new List<Value>();
                    Skip();
                    if (Peek() == ']')
                    {
                        _i++;
                        return new Value { Items = items };
                    }

                    while (true)
                    {
                        items.Add(ParseValue(depth + 1));
                        Skip();
                        if (Peek() == ',')
                        {
                            _i++;
                            continue;
                        }

                        Expect(']');
                        return new Value { Items = items };
                    }
                }

                int from = _i;
                if (c == '"')
                {
                    ParseString();
                }
                else if (c == '-' || (c >= '0' && c <= '9'))
                {
                    _i++;
                    while (_i < _s.Length && ((_s[_i] >= '0' && _s[_i] <= '9') || _s[_i] == '.' || _s[_i] == 'e' || _s[_i] == 'E' || _s[_i] == '+' || _s[_i] == '-'))
                    {
                        _i++;
                    }
                }
                else if (!Word("true") && !Word("false") && !Word("null"))
                {
                    throw Error(AtEnd ? "the text ends where a value belongs" : "unexpected '" + c + "'");
                }

                return new Value { Scalar = _s.Substring(from, _i - from) };
            }

            public FormatException Error(string message)
            {
                int line = 1;
                int column = 1;
                for (int k = 0; k < _i && k < _s.Length; k++)
                {
                    if (_s[k] == '\n')
                    {
                        line++;
                        column = 1;
                    }
                    else
                    {
                        column++;
                    }
                }

                return new FormatException("line " + line.ToString(CultureInfo.InvariantCulture) + ", column "
                    + column.ToString(CultureInfo.InvariantCulture) + ": " + message);
            }

            private bool Word(string word)
            {
                if (string.CompareOrdinal(_s, _i, word, 0, word.Length) != 0)
                {
                    return false;
                }

                _i += word.Length;
                return true;
            }

            private void Expect(char c)
            {
                if (Peek() != c)
                {
                    throw Error(AtEnd ? "the text ends where '" + c + "' belongs" : "expected '" + c + "'");
                }

                _i++;
            }

            // Past a string token; returns its value.
            private string ParseString()
            {
                _i++;
                var sb = new StringBuilder();
                while (true)
                {
                    if (AtEnd)
                    {
                        throw Error("a string does not end");
                    }

                    char c = _s[_i++];
                    if (c == '"')
                    {
                        return sb.ToString();
                    }

                    if (c != '\\')
                    {
                        sb.Append(c);
                        continue;
                    }

                    char e = Peek();
                    _i++;
                    switch (e)
                    {
                        case '"': sb.Append('"'); break;
                        case '\\': sb.Append('\\'); break;
                        case '/': sb.Append('/'); break;
                        case 'b': sb.Append('\b'); break;
                        case 'f': sb.Append('\f'); break;
                        case 'n': sb.Append('\n'); break;
                        case 'r': sb.Append('\r'); break;
                        case 't': sb.Append('\t'); break;
                        case 'u' when _i + 4 <= _s.Length
                            && int.TryParse(_s.Substring(_i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code):
                            sb.Append((char)code);
                            _i += 4;
                            break;
                        default:
                            _i--;
                            throw Error("a bad escape in a string");
                    }
                }
            }
        }
    }

    /// <summary>
    /// Reads the generator's baseline attributes from a built assembly's metadata, without loading it: no code of the
    /// assembly runs. The attribute is <c>VmState.Generated.VmStateBaselineEntryAttribute(string key, string type, bool
    /// section, string? json, string? problem)</c>, internal to the assembly.
    /// </summary>
    internal static class BaselineAssembly
    {
        public const string AttributeNamespace = "VmState.Generated";
        public const string AttributeName = "VmStateBaselineEntryAttribute";

        /// <summary>
        /// The entries of the assembly in <paramref name="image"/>, in the order written; null when it has no baseline
        /// attribute type (it was not built with <c>VmStateUpdateBaseline=true</c>, or no VmState generator ran).
        /// </summary>
        public static List<BaselineEntry>? ReadEntries(Stream image)
        {
            using var pe = new PEReader(image, PEStreamOptions.LeaveOpen);
            MetadataReader md = pe.GetMetadataReader();
            TypeDefinitionHandle attributeType = default;
            foreach (TypeDefinitionHandle h in md.TypeDefinitions)
            {
                TypeDefinition t = md.GetTypeDefinition(h);
                if (md.StringComparer.Equals(t.Name, AttributeName) && md.StringComparer.Equals(t.Namespace, AttributeNamespace))
                {
                    attributeType = h;
                    break;
                }
            }

            if (attributeType.IsNil)
            {
                return null;
            }

            var entries = new List<BaselineEntry>();
            foreach (CustomAttributeHandle h in md.GetAssemblyDefinition().GetCustomAttributes())
            {
                CustomAttribute a = md.GetCustomAttribute(h);
                if (a.Constructor.Kind != HandleKind.MethodDefinition
                    || md.GetMethodDefinition((MethodDefinitionHandle)a.Constructor).GetDeclaringType() != attributeType)
                {
                    continue;
                }

                // The blob: prolog 0x0001, then the fixed arguments in order (SerStrings, one byte for the bool).
                BlobReader blob = md.GetBlobReader(a.Value);
                if (blob.ReadUInt16() != 1)
                {
                    throw new BadImageFormatException("a " + AttributeName + " blob has no prolog");
                }

                string? key = blob.ReadSerializedString();
                string? type = blob.ReadSerializedString();
                bool section = blob.ReadBoolean();
                string? json = blob.ReadSerializedString();
                string? problem = blob.ReadSerializedString();
                if (key is null || type is null)
                {
                    throw new BadImageFormatException("a " + AttributeName + " has no key or type");
                }

                entries.Add(new BaselineEntry(key, type, section, json, problem));
            }

            return entries;
        }
    }

#if !VMSTATE_GENERATOR
    /// <summary>
    /// The inline task of VmState.targets: reads the entries from the built assembly and rewrites the baseline file
    /// when its text changes.
    /// </summary>
    public sealed class VmStateWriteBaseline : Microsoft.Build.Utilities.Task
    {
        /// <summary>The built assembly.</summary>
        [Microsoft.Build.Framework.Required]
        public string Assembly { get; set; } = "";

        /// <summary>The file to write, when the project names one (VmStateBaselineFile).</summary>
        public string? BaselineFile { get; set; }

        /// <summary>The VmStateBaseline items; the last one is written when <see cref="BaselineFile"/> is not set.</summary>
        public Microsoft.Build.Framework.ITaskItem[]? Baselines { get; set; }

        /// <summary>The machine a new file's vmschkmachine entry names.</summary>
        [Microsoft.Build.Framework.Required]
        public string Machine { get; set; } = "";

        public override bool Execute()
        {
            string? file = !string.IsNullOrEmpty(BaselineFile) ? Path.GetFullPath(BaselineFile)
                : Baselines is { Length: > 0 } items ? items[items.Length - 1].GetMetadata("FullPath")
                : null;
            if (file is null)
            {
                Log.LogError("VmState: VmStateUpdateBaseline=true, but the project lists no <VmStateBaseline> item and sets no VmStateBaselineFile: there is no file to write");
                return false;
            }

            List<BaselineEntry>? entries;
            using (FileStream image = File.OpenRead(Assembly))
            {
                entries = BaselineAssembly.ReadEntries(image);
            }

            if (entries is null)
            {
                Log.LogError("VmState: " + Assembly + " holds no baseline entries: the VmState generator did not see VmStateUpdateBaseline=true (is VmState.targets imported?)");
                return false;
            }

            string? before = File.Exists(file) ? File.ReadAllText(file) : null;
            BaselineMerge update = Generators.BaselineUpdate.BaselineFile.Update(before, file, entries, Machine);
            foreach (string error in update.Errors)
            {
                Log.LogError(null, null, null, file, 0, 0, 0, 0, "VmState: " + error);
            }

            if (update.Text is null)
            {
                return false;
            }

            if (update.Kept.Count > 0)
            {
                Log.LogWarning(null, null, null, file, 0, 0, 0, 0,
                    "VmState: no [VmState] type of this project describes '" + string.Join("', '", update.Kept) + "' any more; kept as shipped");
            }

            string count = update.Written.ToString(CultureInfo.InvariantCulture);
            if (string.Equals(before, update.Text, StringComparison.Ordinal))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, "VmState: " + file + " is up to date (" + count + " descriptions)");
                return true;
            }

            // Written beside the file and moved over it, so an interrupted build leaves the old file whole.
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            string temporary = file + ".tmp";
            File.WriteAllText(temporary, update.Text, new UTF8Encoding(false));
            if (before is null)
            {
                File.Move(temporary, file);
            }
            else
            {
                File.Replace(temporary, file, null);
            }

            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, "VmState: wrote " + count + " descriptions to " + file);
            return true;
        }
    }
#endif
}
