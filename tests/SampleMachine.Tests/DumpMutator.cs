using System.Text.Json.Nodes;

namespace SampleMachine.Tests;

/// <summary>
/// Seeded edits of a <c>-dump-vmstate</c> document, the kinds a device's schema goes through between versions
/// (sizes, versions, fields, structs, unused bytes, subsections, renames) plus a few that break its shape, so that
/// every rule of the static checker gets exercised.
/// </summary>
internal sealed class DumpMutator(Random random)
{
    private static readonly string[] Kinds =
    [
        "size", "remove-field", "insert-field", "swap-fields", "rename-field", "allowed-field-rename",
        "rename-description", "empty-description-name", "bump-version", "lower-version", "raise-minimum",
        "remove-key", "remove-subsection", "duplicate-subsection", "remove-section", "rename-section",
        "wrap-fields", "unwrap-struct", "unused", "drop-struct-description", "machine", "remove-needed-key",
    ];

    /// <summary>Applies <paramref name="count"/> edits to <paramref name="root"/>; returns what was done, for failure messages.</summary>
    public List<string> Mutate(JsonObject root, int count)
    {
        var applied = new List<string>();
        while (applied.Count < count)
        {
            string kind = Kinds[random.Next(Kinds.Length)];
            string? done = Apply(kind, root, new Parts(root));
            if (done is not null)
            {
                applied.Add(kind + ": " + done);
            }
        }

        return applied;
    }

    private string? Apply(string kind, JsonObject root, Parts parts)
    {
        switch (kind)
        {
            case "size":
            {
                JsonObject? f = Pick(parts.Fields);
                if (f is null)
                {
                    return null;
                }

                f["size"] = Int(f["size"]) + random.Next(1, 5);
                return Name(f);
            }

            case "remove-field":
            {
                JsonArray? list = Pick(parts.FieldLists.Where(l => l.Count > 0).ToList());
                if (list is null)
                {
                    return null;
                }

                int i = random.Next(list.Count);
                string name = Name(list[i]!.AsObject());
                list.RemoveAt(i);
                return name;
            }

            case "insert-field":
            {
                JsonArray? list = Pick(parts.FieldLists);
                if (list is null)
                {
                    return null;
                }

                int i = random.Next(list.Count + 1);
                list.Insert(i, NewField("added" + random.Next(100), random.Next(1, 9)));
                return "at " + i;
            }

            case "swap-fields":
            {
                JsonArray? list = Pick(parts.FieldLists.Where(l => l.Count > 1).ToList());
                if (list is null)
                {
                    return null;
                }

                int i = random.Next(list.Count - 1);
                JsonNode a = list[i]!;
                list.RemoveAt(i);
                list.Insert(i + 1, a);
                return Name(a.AsObject());
            }

            case "rename-field":
            {
                JsonObject? f = Pick(parts.Fields);
                if (f is null)
                {
                    return null;
                }

                f["field"] = Str(f["field"]) + "_v2";
                return Name(f);
            }

            case "allowed-field-rename":
            {
                // Names the checker forgives under some descriptions (e1000, rtl8139, ...) and not under others.
                JsonObject? f = Pick(parts.Fields.Where(x => Str(x["field"]) is "parent_obj" or "dev").ToList());
                if (f is null)
                {
                    return null;
                }

                f["field"] = Str(f["field"]) == "dev" ? "parent_obj" : "dev";
                return Name(f);
            }

            case "rename-description":
            {
                JsonObject? d = Pick(parts.Descriptions);
                if (d is null)
                {
                    return null;
                }

                d["name"] = Str(d["name"]) + "2";
                return Str(d["name"]);
            }

            case "empty-description-name":
            {
                JsonObject? d = Pick(parts.Descriptions);
                if (d is null)
                {
                    return null;
                }

                string old = Str(d["name"]);
                d["name"] = "";
                return old;
            }

            case "bump-version":
            case "lower-version":
            {
                JsonObject? o = Pick([.. parts.Sections, .. parts.Descriptions, .. parts.Fields]);
                if (o is null)
                {
                    return null;
                }

                o["version_id"] = Int(o["version_id"]) + (kind == "bump-version" ? 1 : -1);
                return o.GetPath();
            }

            case "raise-minimum":
            {
                // On a section this hits the script's unfinished-line slip.
                JsonObject? o = Pick([.. parts.Sections, .. parts.Descriptions]);
                if (o is null)
                {
                    return null;
                }

                o["minimum_version_id"] = Int(o["version_id"]) + 1;
                return o.GetPath();
            }

            case "remove-key":
            {
                JsonObject? o = Pick([.. parts.Sections, .. parts.Descriptions]);
                if (o is null)
                {
                    return null;
                }

                string[] keys = [.. o.Select(p => p.Key).Where(k => k is "Description" or "Fields" or "Subsections" or "minimum_version_id" or "Name")];
                if (keys.Length == 0)
                {
                    return null;
                }

                string key = keys[random.Next(keys.Length)];
                o.Remove(key);
                return o.GetPath() + "." + key;
            }

            case "remove-subsection":
            case "duplicate-subsection":
            {
                JsonArray? list = Pick(parts.SubsectionLists.Where(l => l.Count > 0).ToList());
                if (list is null)
                {
                    return null;
                }

                int i = random.Next(list.Count);
                string name = Str(list[i]!["name"]);
                if (kind == "remove-subsection")
                {
                    list.RemoveAt(i);
                }
                else
                {
                    JsonNode copy = list[i]!.DeepClone();
                    copy["version_id"] = Int(copy["version_id"]) + 1;
                    list.Add(copy);
                }

                return name;
            }

            case "remove-section":
            {
                string? name = Pick(parts.SectionNames);
                if (name is null)
                {
                    return null;
                }

                root.Remove(name);
                return name;
            }

            case "rename-section":
            {
                string? name = Pick(parts.SectionNames);
                if (name is null)
                {
                    return null;
                }

                // The checker's own section renames, when the dump has them; otherwise a plain rename.
                string renamed = root.ContainsKey("ICH9-LPC") && random.Next(2) == 0 ? "ICH9-LPC"
                    : root.ContainsKey("e1000") && random.Next(2) == 0 ? "e1000"
                    : name;
                string target = renamed switch
                {
                    "ICH9-LPC" => "ICH9 LPC",
                    "e1000" => "e1000-82540em",
                    _ => renamed + "-renamed",
                };
                JsonNode? value = root[renamed];
                root.Remove(renamed);
                root[target] = value;
                return renamed + " -> " + target;
            }

            case "wrap-fields":
            {
                // Fields moved into a struct keep the wire format; the checker follows them in.
                JsonArray? list = Pick(parts.FieldLists.Where(l => l.Count > 0).ToList());
                if (list is null)
                {
                    return null;
                }

                int i = random.Next(list.Count);
                int n = random.Next(1, Math.Min(3, list.Count - i) + 1);
                var moved = new JsonArray();
                int size = 0;
                for (int k = 0; k < n; k++)
                {
                    JsonNode f = list[i]!;
                    list.RemoveAt(i);
                    size += Int(f["size"]);
                    moved.Add(f);
                }

                JsonObject wrapper = NewField("wrapped" + random.Next(100), size);
                wrapper["Description"] = new JsonObject
                {
                    ["name"] = "wrapper" + random.Next(100),
                    ["version_id"] = 1,
                    ["minimum_version_id"] = 1,
                    ["Fields"] = moved,
                };
                list.Insert(i, wrapper);
                return n + " at " + i;
            }

            case "unwrap-struct":
            {
                JsonObject? s = Pick(parts.StructFields.Where(f => f["Description"]?["Fields"] is JsonArray && f.Parent is JsonArray).ToList());
                if (s is null)
                {
                    return null;
                }

                JsonArray list = (JsonArray)s.Parent!;
                int i = list.IndexOf(s);
                JsonArray inner = s["Description"]!["Fields"]!.AsArray();
                list.RemoveAt(i);
                foreach (JsonNode? f in inner.ToList())
                {
                    inner.Remove(f);
                    list.Insert(i++, f);
                }

                return Name(s);
            }

            case "unused":
            {
                // Fields replaced by as many unused bytes (or, one time in three, a few more or fewer).
                JsonArray? list = Pick(parts.FieldLists.Where(l => l.Count > 0).ToList());
                if (list is null)
                {
                    return null;
                }

                int i = random.Next(list.Count);
                int n = random.Next(1, Math.Min(3, list.Count - i) + 1);
                int size = 0;
                for (int k = 0; k < n; k++)
                {
                    size += Int(list[i]!["size"]);
                    list.RemoveAt(i);
                }

                int delta = random.Next(3) == 0 ? random.Next(-2, 3) : 0;
                list.Insert(i, NewField("unused", size + delta));
                return $"{n} at {i}, {delta:+0;-0;0}";
            }

            case "drop-struct-description":
            {
                JsonObject? s = Pick(parts.StructFields);
                if (s is null)
                {
                    return null;
                }

                s.Remove("Description");
                return Name(s);
            }

            case "machine":
            {
                if (root["vmschkmachine"] is not JsonObject machine)
                {
                    return null;
                }

                machine["Name"] = Str(machine["Name"]) + "-next";
                return Str(machine["Name"]);
            }

            case "remove-needed-key":
            {
                // A key the script needs, gone: it crashes where it reads the key (and not where it never does), and
                // we must raise our error in exactly those cases. (A value of the wrong kind is not tried: Python's
                // != accepts any two values and prints lists as [...], where we refuse the shape.)
                JsonObject? o = Pick([.. parts.Fields, .. parts.Descriptions]);
                if (o is null)
                {
                    return null;
                }

                string[] keys = [.. o.Select(p => p.Key).Where(k => k is "name" or "field" or "size" or "version_id")];
                if (keys.Length == 0)
                {
                    return null;
                }

                string key = keys[random.Next(keys.Length)];
                o.Remove(key);
                return o.GetPath() + "." + key;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private T? Pick<T>(IReadOnlyList<T> items)
        where T : class => items.Count == 0 ? null : items[random.Next(items.Count)];

    private static string Name(JsonObject field) => field.GetPath() + " (" + Str(field["field"]) + ")";

    // Earlier edits may have broken a value; later ones then work on a stand-in.
    private static int Int(JsonNode? node) => node is JsonValue v && v.TryGetValue(out int i) ? i : 0;

    private static string Str(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : "?";

    private static JsonObject NewField(string name, int size) => new()
    {
        ["field"] = name,
        ["version_id"] = 0,
        ["field_exists"] = false,
        ["size"] = size,
    };

    /// <summary>Where the editable parts of a document are, collected afresh before each edit.</summary>
    private sealed class Parts
    {
        public Parts(JsonObject root)
        {
            foreach ((string key, JsonNode? value) in root)
            {
                if (key != "vmschkmachine" && value is JsonObject section)
                {
                    SectionNames.Add(key);
                    Sections.Add(section);
                    Walk(section);
                }
            }
        }

        public List<string> SectionNames { get; } = [];

        public List<JsonObject> Sections { get; } = [];

        public List<JsonObject> Descriptions { get; } = [];

        public List<JsonObject> Fields { get; } = [];

        public List<JsonObject> StructFields { get; } = [];

        public List<JsonArray> FieldLists { get; } = [];

        public List<JsonArray> SubsectionLists { get; } = [];

        private void Walk(JsonNode? node)
        {
            if (node is JsonArray array)
            {
                foreach (JsonNode? item in array)
                {
                    Walk(item);
                }
            }

            if (node is not JsonObject o)
            {
                return;
            }

            if (o["name"] is JsonValue && o["version_id"] is JsonValue)
            {
                Descriptions.Add(o);
            }

            if (o["field"] is JsonValue && o["size"] is JsonValue)
            {
                Fields.Add(o);
                if (o["Description"] is JsonObject)
                {
                    StructFields.Add(o);
                }
            }

            foreach ((string key, JsonNode? value) in o)
            {
                if (value is JsonArray list)
                {
                    if (key == "Fields")
                    {
                        FieldLists.Add(list);
                    }
                    else if (key == "Subsections")
                    {
                        SubsectionLists.Add(list);
                    }
                }

                Walk(value);
            }
        }
    }
}
