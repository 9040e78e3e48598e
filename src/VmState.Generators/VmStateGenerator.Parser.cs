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
    /// <summary>Reads a <c>[VmState]</c> type's symbols into a <see cref="TypeSpec"/> and the diagnostics about it.</summary>
    internal sealed class Parser
    {
        private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

        private readonly INamedTypeSymbol _type;
        private readonly List<DiagnosticInfo> _diagnostics = new();
        private readonly Dictionary<string, BodyBuilder> _bodies = new(StringComparer.Ordinal);
        private readonly List<BodyBuilder> _bodyOrder = new();

        // Every migrated member in wire order over all bodies (main first), to check that counts come first.
        private readonly List<(string Member, string Body)> _order = new();
        private readonly List<(string CountMember, int OrderIndex, string ArrayName, Location? Location)> _countUses = new();

        private Parser(INamedTypeSymbol type) => _type = type;

        public static ParseResult Parse(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            var parser = new Parser(type);
            TypeSpec? spec = parser.Build(cancellationToken);
            return new ParseResult(parser._diagnostics.Count == 0 ? spec : null, parser._diagnostics.ToEquatableArray());
        }

        private sealed class BodyBuilder
        {
            public BodyBuilder(string name, int version, int minimumVersion, Location? location)
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

            /// <summary>The enclosing subsection's name; null for the type's own body and its direct subsections.</summary>
            public string? Parent { get; set; }

            public List<(EntrySpec Entry, Location? Location)> Entries { get; } = new();
            public Dictionary<string, HookSpec> Hooks { get; } = new(StringComparer.Ordinal);
        }

        private void Report(DiagnosticDescriptor descriptor, Location? location, params string[] args) =>
            _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, args));

        private TypeSpec? Build(CancellationToken ct)
        {
            Location? typeLocation = _type.Locations.FirstOrDefault();
            string typeName = _type.ToDisplayString();

            for (INamedTypeSymbol? t = _type; t is not null; t = t.ContainingType)
            {
                bool partial = t.DeclaringSyntaxReferences.All(r =>
                    r.GetSyntax(ct) is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword));
                if (!partial)
                {
                    Report(DiagnosticDescriptors.TypeNotPartial, typeLocation, typeName);
                    return null;
                }

                if (t.IsGenericType)
                {
                    Report(DiagnosticDescriptors.GenericType, typeLocation, typeName);
                    return null;
                }
            }

            AttributeData? attribute = _type.GetAttributes().FirstOrDefault(a => IsType(a.AttributeClass, KnownTypes.Metadata.VmStateAttribute));
            if (attribute is null || attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string vmsdName)
            {
                return null;
            }

            int version = NamedInt(attribute, "Version", 1);
            int minimum = NamedInt(attribute, "MinimumVersion", -1);
            if (minimum < 0)
            {
                minimum = Math.Min(1, version);
            }

            if (minimum > version)
            {
                Report(DiagnosticDescriptors.MinimumAboveVersion, typeLocation, vmsdName, Str(minimum), Str(version));
            }

            var main = new BodyBuilder(vmsdName, version, minimum, typeLocation);
            _bodies[""] = main;
            _bodyOrder.Add(main);
            ReadSubsections(vmsdName);

            foreach (ISymbol member in _type.GetMembers())
            {
                ct.ThrowIfCancellationRequested();
                if (member.IsImplicitlyDeclared)
                {
                    continue;
                }

                ReadMember(member);
            }

            CheckCounts();
            var bodies = new List<BodySpec>();
            foreach (BodyBuilder b in _bodyOrder)
            {
                bodies.Add(FinishBody(b));
            }

            main.Hooks.TryGetValue(KnownTypes.Hooks.DevUnplugPending, out HookSpec? unplug);
            string fqn = _type.ToDisplayString(TypeFormat);
            return new TypeSpec
            {
                Namespace = _type.ContainingNamespace.IsGlobalNamespace ? "" : _type.ContainingNamespace.ToDisplayString(),
                ContainingTypes = ContainingDeclarations(),
                Declaration = Declaration(_type),
                FullyQualifiedName = fqn,
                HintName = fqn.Replace("global::", "") + ".VmState.g.cs",
                IsValueType = _type.IsValueType,
                Main = bodies[0],
                Subsections = bodies.Skip(1).ToEquatableArray(),
                Priority = NamedInt(attribute, "Priority", 0),
                Unmigratable = NamedBool(attribute, "Unmigratable"),
                EarlySetup = NamedBool(attribute, "EarlySetup"),
                DeviceType = NamedString(attribute, "DeviceType"),
                DumpSize = NamedInt(attribute, "DumpSize", 0),
                DevUnplugPending = unplug,
            };
        }

        private void ReadSubsections(string parent)
        {
            BodyBuilder main = _bodies[""];
            var nested = new List<(BodyBuilder Body, string Parent)>();
            foreach (AttributeData a in _type.GetAttributes().Where(a => IsType(a.AttributeClass, KnownTypes.Metadata.SubsectionAttribute)))
            {
                Location? location = a.ApplicationSyntaxReference?.GetSyntax().GetLocation();
                if (a.ConstructorArguments.Length != 1 || a.ConstructorArguments[0].Value is not string name)
                {
                    continue;
                }

                int version = NamedInt(a, "Version", 1);
                int minimum = NamedInt(a, "MinimumVersion", -1);
                if (minimum < 0)
                {
                    minimum = Math.Min(1, version);
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

                if (_bodies.ContainsKey(name) || name == parent)
                {
                    Report(DiagnosticDescriptors.DuplicateName, location, name, parent);
                    continue;
                }

                if (minimum > version)
                {
                    Report(DiagnosticDescriptors.MinimumAboveVersion, location, name, Str(minimum), Str(version));
                }

                var body = new BodyBuilder(name, version, minimum, location);
                _bodies[name] = body;
                _bodyOrder.Add(body);
                if (parentSubsection is not null)
                {
                    nested.Add((body, parentSubsection));
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

        private void ResolveParents(BodyBuilder main, List<(BodyBuilder Body, string Parent)> nested)
        {
            foreach ((BodyBuilder body, string parentName) in nested)
            {
                if (parentName != body.Name && parentName.Length > 0 && _bodies.ContainsKey(parentName))
                {
                    body.Parent = parentName;
                }
                else if (parentName != body.Name)
                {
                    // Left at the type's own level so that its fields and hooks do not report it again.
                    Report(DiagnosticDescriptors.InvalidSubsectionParent, body.Location, body.Name, parentName,
                        "the type declares no such [Subsection]; leave Parent unset for a subsection of the type itself");
                }
            }

            // A body is on a cycle when following Parent from it comes back to it before reaching the type's level.
            var onCycle = new List<(BodyBuilder Body, string Parent)>();
            foreach ((BodyBuilder body, string parentName) in nested)
            {
                string? at = parentName == body.Name ? body.Name : body.Parent;
                for (int steps = 0; at is not null && steps <= nested.Count; steps++)
                {
                    if (at == body.Name)
                    {
                        onCycle.Add((body, parentName));
                        break;
                    }

                    at = _bodies[at].Parent;
                }
            }

            foreach ((BodyBuilder body, string parentName) in onCycle)
            {
                Report(DiagnosticDescriptors.InvalidSubsectionParent, body.Location, body.Name, parentName,
                    "following Parent leads back to '" + body.Name + "'; a subsection cannot enclose itself");
                body.Parent = null;
            }

            // Wire order: each body directly followed by its own subsections, siblings in declaration order. A nested
            // name must carry its parent's, since QEMU's loader looks for it by that prefix; a rejected subsection takes
            // its own subsections with it.
            var order = new List<BodyBuilder> { main };
            AppendChildren(null, order);
            foreach (BodyBuilder body in order.Skip(1))
            {
                string parentName = body.Parent ?? main.Name;
                if (body.Parent is not null && !_bodies.ContainsKey(body.Parent))
                {
                    _bodies.Remove(body.Name);
                }
                else if (!HasPrefix(body.Name, parentName))
                {
                    ReportMissingPrefix(body.Location, body.Name, parentName);
                    _bodies.Remove(body.Name);
                }
            }

            _bodyOrder.Clear();
            _bodyOrder.AddRange(order.Where(b => b == main || _bodies.ContainsKey(b.Name)));
        }

        private void AppendChildren(string? parent, List<BodyBuilder> order)
        {
            foreach (BodyBuilder child in _bodyOrder.Skip(1).Where(b => b.Parent == parent).ToList())
            {
                order.Add(child);
                AppendChildren(child.Name, order);
            }
        }

        private BodyBuilder? BodyFor(string? subsection, Location? location, string what)
        {
            if (subsection is null)
            {
                return _bodies[""];
            }

            if (_bodies.TryGetValue(subsection, out BodyBuilder? body) && subsection.Length > 0)
            {
                return body;
            }

            Report(DiagnosticDescriptors.InvalidSubsection, location, subsection, _bodies[""].Name,
                "'" + what + "' names it, but the type declares no such [Subsection]");
            return null;
        }

        private void ReadMember(ISymbol member)
        {
            foreach (AttributeData a in member.GetAttributes())
            {
                Location? location = a.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? member.Locations.FirstOrDefault();
                INamedTypeSymbol? cls = a.AttributeClass;
                if (IsType(cls, KnownTypes.Metadata.UnusedAttribute))
                {
                    ReadUnused(member, a, location);
                }
                else if (IsType(cls, KnownTypes.Metadata.VmStateFieldAttribute))
                {
                    ReadField(member, a, location);
                }
                else if (IsType(cls, KnownTypes.Metadata.ValidateAttribute) && member is IMethodSymbol check)
                {
                    ReadValidate(check, a, location);
                }
                else if (cls?.BaseType is { } b && IsType(b, KnownTypes.Metadata.VmStateHookAttribute) && member is IMethodSymbol hook)
                {
                    ReadHook(hook, cls.Name, a, location);
                }
            }
        }

        private void ReadUnused(ISymbol member, AttributeData a, Location? location)
        {
            int size = a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is int s ? s : 0;
            BodyBuilder? body = BodyFor(NamedString(a, "Subsection"), location, member.Name);
            if (body is null)
            {
                return;
            }

            if (size <= 0)
            {
                Report(DiagnosticDescriptors.InvalidShape, location, "unused", "padding needs a positive size");
                return;
            }

            HookSpec? exists = ResolveTest(NamedString(a, "Exists"), "Exists", location);
            Add(body, new EntrySpec
            {
                Kind = EntryKind.Unused,
                Shape = EntryShape.Single,
                Name = "unused",
                DescName = "unused",
                Since = NamedInt(a, "Since", 0),
                Exists = exists,
                Length = size,
            }, location, null);
        }

        private void ReadValidate(IMethodSymbol method, AttributeData a, Location? location)
        {
            string name = a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is string n ? n : method.Name;
            BodyBuilder? body = BodyFor(NamedString(a, "Subsection"), location, method.Name);
            HookSpec? check = CheckMethod(method, "Validate", requireBool: true, allowVersion: true, location);
            if (body is null || check is null)
            {
                return;
            }

            Add(body, new EntrySpec
            {
                Kind = EntryKind.Validate,
                Shape = EntryShape.Single,
                Name = name,
                DescName = name,
                MemberName = method.Name,
                Exists = check,
            }, location, null);
        }

        private void ReadHook(IMethodSymbol method, string attributeName, AttributeData a, Location? location)
        {
            string kind = attributeName.EndsWith("Attribute", StringComparison.Ordinal)
                ? attributeName.Substring(0, attributeName.Length - "Attribute".Length)
                : attributeName;
            string? subsection = a.ConstructorArguments.Length == 1 ? a.ConstructorArguments[0].Value as string : null;
            BodyBuilder? body = BodyFor(subsection, location, method.Name);
            if (body is null)
            {
                return;
            }

            bool predicate = kind is KnownTypes.Hooks.Needed or KnownTypes.Hooks.DevUnplugPending;
            HookSpec? hook = CheckMethod(method, kind, requireBool: predicate, allowVersion: kind == KnownTypes.Hooks.PostLoad, location);
            if (hook is null)
            {
                return;
            }

            if (body.Hooks.ContainsKey(kind))
            {
                Report(DiagnosticDescriptors.InvalidMethod, location, kind, method.Name, body.Name, "is the second " + kind + " hook; there can be one");
                return;
            }

            body.Hooks[kind] = hook;
        }

        private HookSpec? CheckMethod(IMethodSymbol m, string role, bool requireBool, bool allowVersion, Location? location)
        {
            bool returnsBool = m.ReturnType.SpecialType == SpecialType.System_Boolean;
            bool returnsVoid = m.ReturnsVoid;
            bool versionParam = m.Parameters.Length == 1 && m.Parameters[0].Type.SpecialType == SpecialType.System_Int32 && m.Parameters[0].RefKind == RefKind.None;
            string? problem = null;
            if (m.IsGenericMethod)
            {
                problem = "must not be generic";
            }
            else if (requireBool ? !returnsBool : !(returnsBool || returnsVoid))
            {
                problem = requireBool ? "must return bool" : "must return void or bool";
            }
            else if (!(m.Parameters.Length == 0 || (allowVersion && versionParam)))
            {
                problem = allowVersion ? "must take no parameters or one int (the version id)" : "must take no parameters";
            }

            if (problem is not null)
            {
                Report(DiagnosticDescriptors.InvalidMethod, location, role, m.Name, _type.Name, problem);
                return null;
            }

            return new HookSpec(m.Name, versionParam, returnsBool);
        }

        private HookSpec? ResolveTest(string? name, string role, Location? location)
        {
            if (name is null)
            {
                return null;
            }

            IMethodSymbol[] candidates = _type.GetMembers(name).OfType<IMethodSymbol>().ToArray();
            if (candidates.Length == 0)
            {
                Report(DiagnosticDescriptors.InvalidMethod, location, role, name, _type.Name, "does not exist");
                return null;
            }

            IMethodSymbol best = candidates.FirstOrDefault(c => c.Parameters.Length == 1) ?? candidates[0];
            return CheckMethod(best, role, requireBool: true, allowVersion: true, location);
        }

        private void ReadField(ISymbol member, AttributeData a, Location? location)
        {
            string memberName = member.Name;
            ITypeSymbol type;
            bool isProperty;
            bool canWrite;
            switch (member)
            {
                case IFieldSymbol f:
                    type = f.Type;
                    isProperty = false;
                    canWrite = !f.IsReadOnly && !f.IsConst;
                    break;
                case IPropertySymbol p when !p.IsIndexer && p.GetMethod is not null:
                    type = p.Type;
                    isProperty = true;
                    canWrite = p.SetMethod is { IsInitOnly: false };
                    break;
                default:
                    Report(DiagnosticDescriptors.UnsupportedMemberType, location, memberName, "?", "only fields and readable properties can be migrated");
                    return;
            }

            if (member.IsStatic)
            {
                Report(DiagnosticDescriptors.UnsupportedMemberType, location, memberName, type.ToDisplayString(), "static members belong to no instance");
                return;
            }

            string name = a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is string n ? n : memberName;
            BodyBuilder? body = BodyFor(NamedString(a, "Subsection"), location, memberName);
            if (body is null)
            {
                return;
            }

            int length = NamedInt(a, "Length", 0);
            int start = NamedInt(a, "Start", 0);
            string? count = NamedString(a, "Count");
            bool equal = NamedBool(a, "Equal");
            bool positiveLe = NamedBool(a, "PositiveLe");
            bool asArray = NamedBool(a, "AsArray");
            INamedTypeSymbol? codec = a.NamedArguments.FirstOrDefault(kv => kv.Key == "Codec").Value.Value as INamedTypeSymbol;
            TypedConstant defaultArg = a.NamedArguments.FirstOrDefault(kv => kv.Key == "Default").Value;
            if (length < 0 || start < 0)
            {
                Report(DiagnosticDescriptors.InvalidShape, location, memberName, "Length and Start must not be negative");
                return;
            }

            var entry = new EntrySpec
            {
                Kind = EntryKind.Value,
                Shape = EntryShape.Single,
                Name = name,
                DescName = name,
                MemberName = memberName,
                IsProperty = isProperty,
                CanWrite = canWrite,
                Since = NamedInt(a, "Since", 0),
                Exists = ResolveTest(NamedString(a, "Exists"), "Exists", location),
                Start = start,
                ErrorHint = NamedString(a, "ErrorHint"),
                CountMember = count,
            };

            ITypeSymbol elementType = type;
            bool isArray = false;
            if (type is IArrayTypeSymbol arrayType && (codec is null || !Implements(codec, type)))
            {
                if (arrayType.Rank != 1)
                {
                    Report(DiagnosticDescriptors.UnsupportedMemberType, location, memberName, type.ToDisplayString(), "only one-dimensional arrays are supported");
                    return;
                }

                isArray = true;
                elementType = arrayType.ElementType;
            }

            EntrySpec? built = isArray
                ? BuildArray(entry, elementType, length, count, asArray, codec, location)
                : BuildSingle(entry, type, length, count, start, codec, location);
            if (built is null)
            {
                return;
            }

            built = ApplyOptions(built, equal, positiveLe, codec is not null, location);
            if (built is null)
            {
                return;
            }

            if (defaultArg.Kind != TypedConstantKind.Error && !defaultArg.IsNull && defaultArg.Value is not null)
            {
                if (built.Kind != EntryKind.Value)
                {
                    Report(DiagnosticDescriptors.InvalidOption, location, memberName, "Default applies to values and arrays of values");
                    return;
                }

                if (!DefaultFits(defaultArg.Value, elementType))
                {
                    // Emitted as an unchecked cast, a misfit would silently become another value or not compile.
                    Report(DiagnosticDescriptors.InvalidOption, location, memberName, "Default must be a constant of the member's type '" + elementType.ToDisplayString() + "'");
                    return;
                }

                built = built with { DefaultExpression = DefaultExpression(defaultArg, elementType) };
            }

            bool copiedOnLoad = built.Kind is EntryKind.Struct && built.ElementIsValueType && isProperty && !isArray;
            if ((built.Kind == EntryKind.Value && !isArray && !canWrite && type.IsValueType) || (copiedOnLoad && !canWrite))
            {
                Report(DiagnosticDescriptors.MemberNotWritable, location, memberName, isProperty ? "has no setter" : "is readonly");
                return;
            }

            if (built.Shape == EntryShape.Variable && count is not null)
            {
                _countUses.Add((count, _order.Count, name, location));
            }

            Add(body, built, location, memberName);
        }

        private EntrySpec? BuildSingle(EntrySpec entry, ITypeSymbol type, int length, string? count, int start, INamedTypeSymbol? codec, Location? location)
        {
            if (length != 0 || count is not null || start != 0)
            {
                Report(DiagnosticDescriptors.InvalidShape, location, entry.MemberName!, "Length, Start and Count apply to arrays and buffers only");
                return null;
            }

            if (codec is not null)
            {
                return WithCodec(entry, type, codec, location);
            }

            if (Scalar(entry, type) is { } scalar)
            {
                return scalar;
            }

            if (type is INamedTypeSymbol named && HasVmState(named))
            {
                bool tmp = named.AllInterfaces.Any(i => IsType(i, KnownTypes.Metadata.IVmStateTmp) && i.TypeArguments.Length == 1
                    && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], _type));
                return entry with
                {
                    Kind = tmp ? EntryKind.Tmp : EntryKind.Struct,
                    ElementType = named.ToDisplayString(TypeFormat),
                    ElementIsValueType = named.IsValueType,
                    ElementHasDefaultConstructor = HasDefaultConstructor(named),
                    NestedVersion = NestedVersion(named),
                };
            }

            Report(DiagnosticDescriptors.UnsupportedMemberType, location, entry.MemberName!, type.ToDisplayString(), "it is not a supported value, array or [VmState] type; give it a Codec");
            return null;
        }

        private EntrySpec? BuildArray(EntrySpec entry, ITypeSymbol element, int length, string? count, bool asArray, INamedTypeSymbol? codec, Location? location)
        {
            if ((length == 0) == (count is null))
            {
                Report(DiagnosticDescriptors.InvalidShape, location, entry.MemberName!,
                    count is null ? "an array or buffer needs Length (fixed) or Count (variable)" : "give either Length or Count, not both");
                return null;
            }

            EntryShape shape = count is null ? EntryShape.Fixed : EntryShape.Variable;
            entry = entry with { Shape = shape, Length = length, ElementType = element.ToDisplayString(TypeFormat) };
            if (codec is not null)
            {
                return WithCodec(entry, element, codec, location);
            }

            if (element.SpecialType == SpecialType.System_Byte && !asArray)
            {
                return entry with { Kind = EntryKind.Buffer };
            }

            if (Scalar(entry, element) is { } scalar)
            {
                return scalar;
            }

            if (element is INamedTypeSymbol named && HasVmState(named))
            {
                return entry with
                {
                    Kind = EntryKind.Struct,
                    ElementIsValueType = named.IsValueType,
                    ElementHasDefaultConstructor = HasDefaultConstructor(named),
                    NestedVersion = NestedVersion(named),
                };
            }

            Report(DiagnosticDescriptors.UnsupportedMemberType, location, entry.MemberName!, element.ToDisplayString() + "[]", "its element type is not a supported value or [VmState] type; give it a Codec");
            return null;
        }

        private EntrySpec? WithCodec(EntrySpec entry, ITypeSymbol valueType, INamedTypeSymbol codec, Location? location)
        {
            if (!Implements(codec, valueType))
            {
                Report(DiagnosticDescriptors.InvalidCodec, location, codec.ToDisplayString(), entry.MemberName!, valueType.ToDisplayString());
                return null;
            }

            return entry with
            {
                Kind = EntryKind.Value,
                ElementType = valueType.ToDisplayString(TypeFormat),
                ElementIsValueType = valueType.IsValueType,
                Codec = codec.ToDisplayString(TypeFormat),
            };
        }

        // A value by the codec table: an enum by its underlying type, cast on the way in and out.
        private static EntrySpec? Scalar(EntrySpec entry, ITypeSymbol type)
        {
            string? cast = null;
            ITypeSymbol wire = type;
            if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying })
            {
                wire = underlying;
                cast = underlying.ToDisplayString(TypeFormat);
            }

            string? codec = CodecTable.Find(CodecTable.Plain, wire.ToDisplayString(TypeFormat));
            if (codec is null)
            {
                return null;
            }

            return entry with
            {
                Kind = EntryKind.Value,
                ElementType = type.ToDisplayString(TypeFormat),
                ElementIsValueType = true,
                Codec = codec,
                CastTo = cast,
            };
        }

        // Equal and PositiveLe are sugar for a codec of their own table.
        private EntrySpec? ApplyOptions(EntrySpec entry, bool equal, bool positiveLe, bool hasCodec, Location? location)
        {
            if (!equal && !positiveLe)
            {
                return entry;
            }

            string member = entry.MemberName!;
            if (hasCodec || entry.Kind != EntryKind.Value || entry.CastTo is not null || (equal && positiveLe))
            {
                Report(DiagnosticDescriptors.InvalidOption, location, member, "Equal and PositiveLe apply to plain integer members, one at a time, without a Codec");
                return null;
            }

            CodecRow[] table = positiveLe ? CodecTable.PositiveLe : CodecTable.Equal;
            string? codec = CodecTable.Find(table, entry.ElementType!);
            if (codec is null)
            {
                Report(DiagnosticDescriptors.InvalidOption, location, member,
                    (positiveLe ? "PositiveLe" : "Equal") + " applies to " + CodecTable.Describe(table) + " members");
                return null;
            }

            return entry with { Codec = codec };
        }

        private void Add(BodyBuilder body, EntrySpec entry, Location? location, string? member)
        {
            if (entry.Since > body.Version)
            {
                Report(DiagnosticDescriptors.SinceAboveVersion, location, entry.Name, Str(entry.Since), body.Name, Str(body.Version));
            }

            body.Entries.Add((entry, location));
            if (member is not null)
            {
                _order.Add((member, body.Name));
            }
        }

        private void CheckCounts()
        {
            // _order is in declaration order; on the wire the main body comes first, then each subsection in turn.
            List<(string Member, string Body)> wire = _bodyOrder.SelectMany(b => _order.Where(o => o.Body == b.Name)).ToList();
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
                    int at = wire.FindIndex(o => o.Member == countMember);
                    if (at < 0)
                    {
                        problem = "is not migrated, so the loader cannot know the count";
                    }
                    else if (at >= wire.IndexOf(_order[orderIndex]))
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

        private BodySpec FinishBody(BodyBuilder body)
        {
            // VMDESCRIPTION makes repeated names unique as name[k], k counting every entry of that name.
            var totals = body.Entries.GroupBy(e => e.Entry.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            var entries = new List<EntrySpec>();
            foreach ((EntrySpec entry, Location? location) in body.Entries)
            {
                EntrySpec e = entry;
                if (totals[e.Name] > 1)
                {
                    seen.TryGetValue(e.Name, out int k);
                    seen[e.Name] = k + 1;
                    e = e with { DescName = e.Name + "[" + Str(k) + "]" };
                    if (k > 0 && !MayRepeat(body, e))
                    {
                        Report(DiagnosticDescriptors.DuplicateName, location, e.Name, body.Name);
                    }
                }

                if (e.Shape == EntryShape.Variable && e.CountMember is not null)
                {
                    // Metadata names the count by its field name, as a schema reader knows it.
                    string countName = _bodyOrder.SelectMany(b => b.Entries).Select(x => x.Entry)
                        .FirstOrDefault(x => x.MemberName == e.CountMember && x.Kind == EntryKind.Value)?.Name ?? e.CountMember;
                    e = e with { CountName = countName };
                }

                entries.Add(e);
            }

            body.Hooks.TryGetValue(KnownTypes.Hooks.PreSave, out HookSpec? preSave);
            body.Hooks.TryGetValue(KnownTypes.Hooks.PostSave, out HookSpec? postSave);
            body.Hooks.TryGetValue(KnownTypes.Hooks.PreLoad, out HookSpec? preLoad);
            body.Hooks.TryGetValue(KnownTypes.Hooks.PostLoad, out HookSpec? postLoad);
            body.Hooks.TryGetValue(KnownTypes.Hooks.Needed, out HookSpec? needed);
            return new BodySpec
            {
                Name = body.Name,
                Parent = body.Parent,
                Version = body.Version,
                MinimumVersion = body.MinimumVersion,
                Entries = entries.ToEquatableArray(),
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
        private static bool MayRepeat(BodyBuilder body, EntrySpec e)
        {
            List<EntrySpec> same = body.Entries.Select(x => x.Entry).Where(x => x.Name == e.Name).ToList();
            return same.All(x => x.Kind == EntryKind.Unused)
                || same.All(x => x.Exists is not null)
                || (same.All(x => x.Kind == EntryKind.Value && x.Shape == EntryShape.Fixed && x.ElementType == e.ElementType)
                    && same.Select(x => x.Start).Distinct().Count() == same.Count)
                || (same.All(x => x.Kind == EntryKind.Struct && x.Shape == EntryShape.Fixed)
                    && same.Select(x => (x.Start, x.ElementType)).Distinct().Count() == same.Count);
        }

        private EquatableArray<string> ContainingDeclarations()
        {
            var list = new List<string>();
            for (INamedTypeSymbol? t = _type.ContainingType; t is not null; t = t.ContainingType)
            {
                list.Insert(0, Declaration(t));
            }

            return list.ToEquatableArray();
        }

        private static string Declaration(INamedTypeSymbol t)
        {
            string keyword = (t.IsRecord, t.IsValueType) switch
            {
                (true, true) => "record struct",
                (true, false) => "record",
                (false, true) => "struct",
                _ => t.TypeKind == TypeKind.Interface ? "interface" : "class",
            };
            return "partial " + keyword + " " + t.Name;
        }

        private static string DefaultExpression(TypedConstant value, ITypeSymbol target)
        {
            string literal = value.Value switch
            {
                bool b => b ? "true" : "false",
                double d => d.ToString("R", CultureInfo.InvariantCulture) + "d",
                float f => f.ToString("R", CultureInfo.InvariantCulture) + "f",
                IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
                _ => "default",
            };
            return "unchecked((" + target.ToDisplayString(TypeFormat) + ")(" + literal + "))";
        }

        // Integers (and enums, by their underlying type) take integral constants, double any number, bool only bool;
        // out-of-range integers are allowed on purpose (Default = -1 on a uint means all ones, as in C).
        private static bool DefaultFits(object? value, ITypeSymbol target)
        {
            ITypeSymbol t = target is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying } ? underlying : target;
            bool integral = value is sbyte or byte or short or ushort or int or uint or long or ulong;
            return t.SpecialType switch
            {
                SpecialType.System_Boolean => value is bool,
                SpecialType.System_Double => integral || value is float or double,
                SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
                    or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64 => integral,
                _ => false,
            };
        }

        private static bool HasVmState(INamedTypeSymbol t) =>
            t.GetAttributes().Any(a => IsType(a.AttributeClass, KnownTypes.Metadata.VmStateAttribute));

        private static int NestedVersion(INamedTypeSymbol t)
        {
            AttributeData? a = t.GetAttributes().FirstOrDefault(x => IsType(x.AttributeClass, KnownTypes.Metadata.VmStateAttribute));
            return a is null ? 1 : NamedInt(a, "Version", 1);
        }

        private static bool HasDefaultConstructor(INamedTypeSymbol t) =>
            t.IsValueType || (!t.IsAbstract && t.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal));

        private static bool Implements(INamedTypeSymbol type, ITypeSymbol argument) =>
            type.AllInterfaces.Any(i => IsType(i, KnownTypes.Metadata.IVmStateCodec)
                && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], type)
                && SymbolEqualityComparer.Default.Equals(i.TypeArguments[1], argument));

        /// <summary>Whether <paramref name="t"/> is the top-level type <paramref name="metadataName"/> (one of <see cref="KnownTypes.Metadata"/>).</summary>
        private static bool IsType(ITypeSymbol? t, string metadataName) =>
            t is { ContainingType: null, ContainingNamespace: { IsGlobalNamespace: false } ns }
            && string.Equals(ns.ToDisplayString() + "." + t.MetadataName, metadataName, StringComparison.Ordinal);

        private static int NamedInt(AttributeData a, string name, int fallback)
        {
            foreach (KeyValuePair<string, TypedConstant> kv in a.NamedArguments)
            {
                if (kv.Key == name && kv.Value.Value is int i)
                {
                    return i;
                }
            }

            return fallback;
        }

        private static bool NamedBool(AttributeData a, string name) =>
            a.NamedArguments.Any(kv => kv.Key == name && kv.Value.Value is true);

        private static string? NamedString(AttributeData a, string name) =>
            a.NamedArguments.FirstOrDefault(kv => kv.Key == name).Value.Value as string;

        private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
