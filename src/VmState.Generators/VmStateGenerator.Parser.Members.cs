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
        // Members and hooks: which attribute a member carries, and what it becomes (a field, padding, a check, a hook).
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
            DescriptionBuilder? description = DescriptionFor(NamedString(a, "Subsection"), location, member.Name);
            if (description is null)
            {
                return;
            }

            if (size <= 0)
            {
                Report(DiagnosticDescriptors.InvalidShape, location, "unused", "padding needs a positive size");
                return;
            }

            HookSpec? exists = ResolveTest(NamedString(a, "Exists"), "Exists", location);
            Add(description, new FieldSpec
            {
                Kind = FieldKind.Unused,
                Shape = FieldShape.Single,
                Name = "unused",
                VmDescriptionName = "unused",
                Since = NamedInt(a, "Since", 0),
                Exists = exists,
                Length = size,
            }, location, null);
        }

        private void ReadValidate(IMethodSymbol method, AttributeData a, Location? location)
        {
            string name = a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is string n ? n : method.Name;
            DescriptionBuilder? description = DescriptionFor(NamedString(a, "Subsection"), location, method.Name);
            HookSpec? check = CheckMethod(method, "Validate", requireBool: true, allowVersion: true, location);
            if (description is null || check is null)
            {
                return;
            }

            Add(description, new FieldSpec
            {
                Kind = FieldKind.Validate,
                Shape = FieldShape.Single,
                Name = name,
                VmDescriptionName = name,
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
            DescriptionBuilder? description = DescriptionFor(subsection, location, method.Name);
            if (description is null)
            {
                return;
            }

            bool predicate = kind is KnownTypes.Hooks.Needed or KnownTypes.Hooks.DevUnplugPending;
            HookSpec? hook = CheckMethod(method, kind, requireBool: predicate, allowVersion: kind == KnownTypes.Hooks.PostLoad, location);
            if (hook is null)
            {
                return;
            }

            if (description.Hooks.ContainsKey(kind))
            {
                Report(DiagnosticDescriptors.InvalidMethod, location, kind, method.Name, description.Name, "is the second " + kind + " hook; there can be one");
                return;
            }

            description.Hooks[kind] = hook;
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

            // A path reaches a value inside the member (a C struct field QEMU migrates on its own): that value is the field.
            string? access = null;
            string? path = NamedString(a, "Path");
            if (path is not null)
            {
                PathTarget? target = FollowPath(memberName, type, path, out string? problem);
                if (target is null)
                {
                    Report(DiagnosticDescriptors.UnsupportedMemberType, location, memberName, type.ToDisplayString(), problem ?? "its Path cannot be followed");
                    return;
                }

                (type, isProperty, canWrite, access, path) = (target.Type, target.IsProperty, target.CanWrite, target.Access, target.Normalized);
            }

            string name = a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is string n ? n : memberName + path;
            DescriptionBuilder? description = DescriptionFor(NamedString(a, "Subsection"), location, memberName);
            if (description is null)
            {
                return;
            }

            if (NamedInt(a, "Length", 0) < 0 || NamedInt(a, "Start", 0) < 0)
            {
                Report(DiagnosticDescriptors.InvalidShape, location, memberName, "Length and Start must not be negative");
                return;
            }

            var field = new FieldSpec
            {
                Kind = FieldKind.Value,
                Shape = FieldShape.Single,
                Name = name,
                VmDescriptionName = name,
                MemberName = memberName,
                Path = path,
                Access = access,
                IsProperty = isProperty,
                CanWrite = canWrite,
                Since = NamedInt(a, "Since", 0),
                FormerName = NamedString(a, "FormerName"),
                Exists = ResolveTest(NamedString(a, "Exists"), "Exists", location),
                ErrorHint = NamedString(a, "ErrorHint"),
            };
            FieldSpec? built = Shape(field, type, a, location);
            if (built is null)
            {
                return;
            }

            bool isArray = built.Shape != FieldShape.Single;
            bool copiedOnLoad = built.Kind is FieldKind.Struct && built.ElementIsValueType && isProperty && !isArray;
            if ((built.Kind == FieldKind.Value && !isArray && !canWrite && type.IsValueType) || (copiedOnLoad && !canWrite))
            {
                Report(DiagnosticDescriptors.MemberNotWritable, location, memberName, isProperty ? "has no setter" : "is readonly");
                return;
            }

            if (built.Shape == FieldShape.Variable && built.CountMember is { } count)
            {
                _countUses.Add((count, _order.Count, name, location));
            }

            Add(description, built, location, memberName + path);
        }
    }
}
