using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal sealed partial class Parser
    {
        // Checks over a whole type: Since within the version, counts that come before their arrays, repeated names.
        private void Add(DescriptionBuilder description, FieldSpec field, Location? location, string? member)
        {
            // A negative Version has its own error (VMS0015); repeating it once per field would bury it.
            if (field.Since > description.Version && description.Version >= 0)
            {
                Report(DiagnosticDescriptors.SinceAboveVersion, location, field.Name, Str(field.Since), description.Name, Str(description.Version));
            }

            description.Fields.Add((field, location));
            if (member is not null)
            {
                _order.Add((member, description.Name));
            }
        }

        private void CheckCounts()
        {
            // _order is in declaration order; on the wire the type's own description comes first, then each
            // subsection in turn.
            List<(string Member, string Description)> wire = _descriptionOrder.SelectMany(b => _order.Where(o => o.Description == b.Name)).ToList();
            foreach ((string countMember, int orderIndex, string arrayName, Location? location) in _countUses)
            {
                ISymbol? symbol = _type.GetMembers(countMember).FirstOrDefault(m => m is IFieldSymbol or IPropertySymbol);
                ITypeSymbol? countType = symbol switch
                {
                    IFieldSymbol f => f.Type,
                    IPropertySymbol p => p.Type,
                    _ => null,
                };
                string? problem = null;
                if (countType is null)
                {
                    problem = "does not exist";
                }
                else if (countType.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_UInt16 or SpecialType.System_Byte))
                {
                    problem = "must be int, uint, ushort or byte (QEMU's count widths)";
                }
                else
                {
                    // A count that is not migrated is the destination's own (its configuration fixes it), as QEMU
                    // allows; a migrated one must be loaded before the array it sizes.
                    int at = wire.FindIndex(o => o.Member == countMember);
                    if (at >= 0 && at >= wire.IndexOf(_order[orderIndex]))
                    {
                        problem = "must come before the array in the field list";
                    }
                }

                if (problem is not null)
                {
                    Report(DiagnosticDescriptors.InvalidCountField, location, countMember, arrayName, problem);
                }
            }
        }

        private DescriptionSpec FinishDescription(DescriptionBuilder description)
        {
            // VMDESCRIPTION makes repeated names unique as name[k], k counting every field of that name.
            var totals = description.Fields.GroupBy(e => e.Field.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            var fields = new List<FieldSpec>();
            foreach ((FieldSpec field, Location? location) in description.Fields)
            {
                FieldSpec e = field;
                if (totals[e.Name] > 1)
                {
                    seen.TryGetValue(e.Name, out int k);
                    seen[e.Name] = k + 1;
                    e = e with { VmDescriptionName = e.Name + "[" + Str(k) + "]" };
                    if (k > 0 && !MayRepeat(description, e))
                    {
                        Report(DiagnosticDescriptors.DuplicateName, location, e.Name, description.Name);
                    }
                }

                if (e.Shape == FieldShape.Variable && e.CountMember is not null)
                {
                    // Metadata names the count by its field name, as a schema reader knows it.
                    string countName = _descriptionOrder.SelectMany(b => b.Fields).Select(x => x.Field)
                        .FirstOrDefault(x => x.MemberName == e.CountMember && x.Path is null && x.Kind == FieldKind.Value)?.Name ?? e.CountMember;
                    e = e with { CountName = countName };
                }

                fields.Add(e);
            }

            description.Hooks.TryGetValue(KnownTypes.Hooks.PreSave, out HookSpec? preSave);
            description.Hooks.TryGetValue(KnownTypes.Hooks.PostSave, out HookSpec? postSave);
            description.Hooks.TryGetValue(KnownTypes.Hooks.PreLoad, out HookSpec? preLoad);
            description.Hooks.TryGetValue(KnownTypes.Hooks.PostLoad, out HookSpec? postLoad);
            description.Hooks.TryGetValue(KnownTypes.Hooks.Needed, out HookSpec? needed);
            return new DescriptionSpec
            {
                Name = description.Name,
                Parent = description.Parent,
                Version = description.Version,
                MinimumVersion = description.MinimumVersion,
                Fields = fields.ToEquatableArray(),
                PreSave = preSave,
                PostSave = postSave,
                PreLoad = preLoad,
                PostLoad = postLoad,
                Needed = needed,
            };
        }

        // QEMU's own descriptions repeat a name only for padding, for alternatives chosen by a test, for slices of
        // one array, or for one array of structs seen through several struct descriptions (the x86 CPU sends the low
        // and the high halves of its vector registers as two "env.xmm_regs" arrays); anything else is almost
        // certainly a copy-and-paste slip.
        private static bool MayRepeat(DescriptionBuilder description, FieldSpec e)
        {
            List<FieldSpec> same = description.Fields.Select(x => x.Field).Where(x => x.Name == e.Name).ToList();
            return same.All(x => x.Kind == FieldKind.Unused)
                || same.All(x => x.Exists is not null || x.Since > 0)
                || (same.All(x => x.Kind == FieldKind.Value && x.Shape == FieldShape.Fixed && x.ElementType == e.ElementType)
                    && same.Select(x => x.Start).Distinct().Count() == same.Count)
                || (same.All(x => x.Kind == FieldKind.Struct && x.Shape == FieldShape.Fixed)
                    && same.Select(x => (x.Start, x.ElementType)).Distinct().Count() == same.Count);
        }
    }
}
