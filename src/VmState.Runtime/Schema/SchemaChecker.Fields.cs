using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace VmState.Schema;

/// <summary>The field walk: two field lists side by side, through wire-neutral struct moves and unused padding.</summary>
public sealed partial class SchemaChecker
{
    private const string Unused = "unused";

    // The script's state machine, step for step (its output depends on the exact order): fields are compared in
    // pairs; when names differ, one side may have wrapped fields into a struct (same bytes on the wire), so the walk
    // descends into that struct and comes back out when it ends; or one side may have replaced fields by "unused"
    // bytes, which are paid for by the other side's field sizes. Anything else ends the walk for this description.
    // Every step takes a field from a list, leaves a struct, or resumes after one, so the walk is bounded by the
    // input's size, and the struct stacks by its depth.
    private void CheckFields(DumpValue srcFields, DumpValue destFields, string desc, string sec)
    {
        var destCursor = new FieldCursor(destFields.Items);
        var srcCursor = new FieldCursor(srcFields.Items);
        var srcOuter = new Stack<FieldCursor>();
        var destOuter = new Stack<FieldCursor>();
        bool advanceSrc = true;
        bool advanceDest = true;
        BigInteger unusedLeft = 0;
        DumpValue? s = null;
        DumpValue? d = null;

        while (true)
        {
            if (advanceSrc)
            {
                if (!srcCursor.TryNext(out DumpValue? next))
                {
                    if (srcOuter.Count == 0)
                    {
                        break;
                    }

                    srcCursor = srcOuter.Pop();
                    continue;
                }

                s = next;
            }
            else if (unusedLeft == 0)
            {
                // Held back for one step (entering or leaving a dest struct): take the next one next time.
                advanceSrc = true;
            }

            // A source field is current from here on: the first step either took one or left the loop.
            if (advanceDest)
            {
                if (!destCursor.TryNext(out DumpValue? next))
                {
                    if (destOuter.Count == 0)
                    {
                        Report(SchemaCheckMessageKind.DestinationFieldsEnded,
                            $"Section \"{sec}\", Description \"{desc}\": expected field \"{s!.String("field")}\", while dest has no further fields");
                        break;
                    }

                    // The dest struct ended: compare the same source field with the field after the struct.
                    destCursor = destOuter.Pop();
                    advanceSrc = false;
                    continue;
                }

                d = next;
            }
            else if (unusedLeft == 0)
            {
                advanceDest = true;
            }

            if (unusedLeft != 0 && !(advanceSrc && advanceDest))
            {
                // One side's unused bytes are being paid for by the other side's fields, one field a step.
                bool destUnused = !advanceDest;
                DumpValue payer = destUnused ? s! : d!;
                unusedLeft -= payer.Integer("size");
                if (unusedLeft < 0)
                {
                    ReportUnusedMismatch(sec, desc, payer);
                    break;
                }

                if (unusedLeft == 0)
                {
                    advanceDest |= destUnused;
                    advanceSrc |= !destUnused;
                }

                continue;
            }

            string srcName = s!.String("field");
            string destName = d!.String("field");
            if (!FieldNamesMatch(desc, srcName, destName))
            {
                if (StructStartsWith(d, srcName))
                {
                    destOuter.Push(destCursor);
                    destCursor = new FieldCursor(d.Get("Description").Get("Fields").Items);
                    advanceSrc = false;
                    continue;
                }

                if (StructStartsWith(s, destName))
                {
                    srcOuter.Push(srcCursor);
                    srcCursor = new FieldCursor(s.Get("Description").Get("Fields").Items);
                    advanceDest = false;
                    continue;
                }

                if (srcName == Unused || destName == Unused)
                {
                    BigInteger srcSize = s.Integer("size");
                    BigInteger destSize = d.Integer("size");
                    if (srcSize == destSize)
                    {
                        continue;
                    }

                    if (destName == Unused)
                    {
                        advanceDest = false;
                        unusedLeft = destSize - srcSize;
                        continue;
                    }

                    if (srcName == Unused)
                    {
                        advanceSrc = false;
                        unusedLeft = srcSize - destSize;
                        continue;
                    }
                }

                Report(SchemaCheckMessageKind.FieldMismatch,
                    $"Section \"{sec}\", Description \"{desc}\": expected field \"{srcName}\", got \"{destName}\"; skipping rest");
                break;
            }

            CheckVersion(s, d, sec, desc);
            if (!s.Has("Description"))
            {
                // A struct's own size is not compared; its fields are, through its description.
                CheckSize(s, d, sec, desc, srcName);
            }

            CheckNestedDescription(s, d, sec, desc);
        }
    }

    // True when field is a struct whose first field matches name (under the struct's own renames): the other side
    // still has that field unwrapped.
    private bool StructStartsWith(DumpValue field, string name)
    {
        if (!field.Has("Description"))
        {
            return false;
        }

        DumpValue nested = field.Get("Description");
        if (!nested.Has("Fields"))
        {
            return false;
        }

        DumpValue fields = nested.Get("Fields");
        if (fields.IsEmptyArray)
        {
            return false;
        }

        string scope = nested.String("name");
        return FieldNamesMatch(scope, fields.Items[0].String("field"), name);
    }

    // The script puts a space between the opening quote and the name.
    private void ReportUnusedMismatch(string sec, string desc, DumpValue field) =>
        Report(SchemaCheckMessageKind.UnusedSizeMismatch,
            $"Section \"{sec}\", Description \"{desc}\": unused size mismatch near \" {field.String("field")}\"");

    /// <summary>Python's list iterator: the walk keeps one per open struct.</summary>
    private sealed class FieldCursor(IReadOnlyList<DumpValue> items)
    {
        private int _next;

        public bool TryNext([NotNullWhen(true)] out DumpValue? item)
        {
            if (_next < items.Count)
            {
                item = items[_next++];
                return true;
            }

            item = null;
            return false;
        }
    }
}
