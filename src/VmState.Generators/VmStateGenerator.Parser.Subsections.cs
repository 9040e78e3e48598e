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
        // The subsection tree: [Subsection] declarations, their nesting by Parent (checked for cycles and name
        // prefixes), and their wire order, each subsection directly followed by its own.
        private void ReadSubsections(string parent)
        {
            DescriptionBuilder main = _descriptions[""];
            var nested = new List<(DescriptionBuilder Description, string Parent)>();
            foreach (AttributeData a in _type.GetAttributes().Where(a => IsType(a.AttributeClass, KnownTypes.Metadata.SubsectionAttribute)))
            {
                Location? location = a.ApplicationSyntaxReference?.GetSyntax().GetLocation();
                if (a.ConstructorArguments.Length != 1 || a.ConstructorArguments[0].Value is not string name)
                {
                    continue;
                }


                // A nested subsection's prefix is checked once its parent is known (below).
                string? parentSubsection = NamedString(a, "Parent");
                if (parentSubsection is null && !HasPrefix(name, parent))
                {
                    ReportMissingPrefix(location, name, parent);
                    continue;
                }

                if (name.Length > 255)
                {
                    Report(DiagnosticDescriptors.InvalidSubsection, location, name, parent, "its name is longer than 255 bytes");
                    continue;
                }

                if (_descriptions.ContainsKey(name) || name == parent)
                {
                    Report(DiagnosticDescriptors.DuplicateName, location, name, parent);
                    continue;
                }

                (int version, int minimum) = ReadVersions(a, name, location);

                var description = new DescriptionBuilder(name, version, minimum, location);
                _descriptions[name] = description;
                _descriptionOrder.Add(description);
                if (parentSubsection is not null)
                {
                    nested.Add((description, parentSubsection));
                }
            }

            if (nested.Count > 0)
            {
                ResolveParents(main, nested);
            }
        }

        private void ReportMissingPrefix(Location? location, string name, string parent) =>
            Report(DiagnosticDescriptors.InvalidSubsection, location, name, parent, "its name must start with the parent's name ('" + parent + "/...')");

        private static bool HasPrefix(string name, string parent) =>
            name.StartsWith(parent, StringComparison.Ordinal) && name.Length > parent.Length;

        private void ResolveParents(DescriptionBuilder main, List<(DescriptionBuilder Description, string Parent)> nested)
        {
            foreach ((DescriptionBuilder description, string parentName) in nested)
            {
                if (parentName != description.Name && parentName.Length > 0 && _descriptions.ContainsKey(parentName))
                {
                    description.Parent = parentName;
                }
                else if (parentName != description.Name)
                {
                    // Left at the type's own level so that its fields and hooks do not report it again.
                    Report(DiagnosticDescriptors.InvalidSubsectionParent, description.Location, description.Name, parentName,
                        "the type declares no such [Subsection]; leave Parent unset for a subsection of the type itself");
                }
            }

            // A description is on a cycle when following Parent from it comes back to it before reaching the type's level.
            var onCycle = new List<(DescriptionBuilder Description, string Parent)>();
            foreach ((DescriptionBuilder description, string parentName) in nested)
            {
                string? at = parentName == description.Name ? description.Name : description.Parent;
                for (int steps = 0; at is not null && steps <= nested.Count; steps++)
                {
                    if (at == description.Name)
                    {
                        onCycle.Add((description, parentName));
                        break;
                    }

                    at = _descriptions[at].Parent;
                }
            }

            foreach ((DescriptionBuilder description, string parentName) in onCycle)
            {
                Report(DiagnosticDescriptors.InvalidSubsectionParent, description.Location, description.Name, parentName,
                    "following Parent leads back to '" + description.Name + "'; a subsection cannot enclose itself");
                description.Parent = null;
            }

            // Wire order: each description directly followed by its own subsections, siblings in declaration order. A nested
            // name must carry its parent's, since QEMU's loader looks for it by that prefix; a rejected subsection takes
            // its own subsections with it.
            var order = new List<DescriptionBuilder> { main };
            AppendChildren(null, order);
            foreach (DescriptionBuilder description in order.Skip(1))
            {
                string parentName = description.Parent ?? main.Name;
                if (description.Parent is not null && !_descriptions.ContainsKey(description.Parent))
                {
                    _descriptions.Remove(description.Name);
                }
                else if (!HasPrefix(description.Name, parentName))
                {
                    ReportMissingPrefix(description.Location, description.Name, parentName);
                    _descriptions.Remove(description.Name);
                }
            }

            _descriptionOrder.Clear();
            _descriptionOrder.AddRange(order.Where(b => b == main || _descriptions.ContainsKey(b.Name)));
        }

        private void AppendChildren(string? parent, List<DescriptionBuilder> order)
        {
            foreach (DescriptionBuilder child in _descriptionOrder.Skip(1).Where(b => b.Parent == parent).ToList())
            {
                order.Add(child);
                AppendChildren(child.Name, order);
            }
        }

        private DescriptionBuilder? DescriptionFor(string? subsection, Location? location, string what)
        {
            if (subsection is null)
            {
                return _descriptions[""];
            }

            if (_descriptions.TryGetValue(subsection, out DescriptionBuilder? description) && subsection.Length > 0)
            {
                return description;
            }

            Report(DiagnosticDescriptors.InvalidSubsection, location, subsection, _descriptions[""].Name,
                "'" + what + "' names it, but the type declares no such [Subsection]");
            return null;
        }
    }
}
