using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using VmState.Generators.Model;

namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal sealed partial class Parser
    {
        /// <summary>A description (the type's own, or a subsection) while its members are being read.</summary>
        private sealed class DescriptionBuilder
        {
            public DescriptionBuilder(string name, int version, int minimumVersion, Location? location)
            {
                Name = name;
                Version = version;
                MinimumVersion = minimumVersion;
                Location = location;
            }

            public string Name { get; }
            public int Version { get; }
            public int MinimumVersion { get; }
            public Location? Location { get; }

            /// <summary>The enclosing subsection's name; null for the type's own description and its direct subsections.</summary>
            public string? Parent { get; set; }

            public List<(FieldSpec Field, Location? Location)> Fields { get; } = new();
            public Dictionary<string, HookSpec> Hooks { get; } = new(StringComparer.Ordinal);
        }
    }
}
