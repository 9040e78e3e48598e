using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using VmState.Description;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests;

/// <summary>
/// Pipeline models must hold only values: a symbol, syntax node, location, semantic model or compilation inside a
/// step's output would pin the compilation in memory and defeat caching.
/// </summary>
public sealed class PipelineModelTests
{
    private const string WithDiagnostics = """
        using VmState.Codecs; using VmState.Description; using VmState.Wire;

        namespace Tests;

        [VmState("bad", Version = 1)]
        public partial class Bad
        {
            [VmStateField(Since = 2)] public int Late;
            [VmStateField] public string Name = "";
        }
        """;

    private static readonly Type[] Forbidden =
    [
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SyntaxToken), typeof(SyntaxTrivia),
        typeof(Location), typeof(SemanticModel), typeof(Compilation), typeof(AttributeData),
    ];

    public static TheoryData<string> Sources() => new()
    {
        GoldenSources.Scalars, GoldenSources.Arrays, GoldenSources.Nested, GoldenSources.Hooked, GoldenSources.NestedSubsections, WithDiagnostics,
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void No_step_output_holds_a_compiler_object(string source)
    {
        GeneratorRunResult result = TestCompilation.Run(source).Result.Results.Single();
        string[] steps = typeof(TrackingNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();
        Assert.NotEmpty(steps);

        int walked = 0;
        foreach (string step in steps)
        {
            // A step fed nothing (Specs when every type has errors) records no run.
            if (!result.TrackedSteps.TryGetValue(step, out var runs))
            {
                Assert.NotEqual(TrackingNames.Parse, step);
                continue;
            }

            foreach ((object value, int index) in runs.SelectMany(r => r.Outputs).Select((o, i) => (o.Value, i)))
            {
                string? path = FindForbidden(value, $"{step}[{index}]");
                Assert.True(path is null, $"pipeline model holds a compiler object at {path}");
                walked++;
            }
        }

        Assert.True(walked > 0);
    }

    [Fact]
    public void The_walker_finds_compiler_objects_deep_inside_models()
    {
        var compilation = TestCompilation.Create("class C { }");
        var nested = new { Outer = new { Items = new object[] { 1, "x", new List<object> { compilation.SyntaxTrees[0].GetRoot().GetLocation() } } } };

        Assert.Equal("m.Outer.Items[2][0] (SourceLocation)", FindForbidden(nested, "m"));
        Assert.NotNull(FindForbidden(new KeyValuePair<string, object>("k", compilation.GetTypeByMetadataName("C")!), "m"));
        Assert.NotNull(FindForbidden(compilation, "m"));
        Assert.Null(FindForbidden(new { A = 1, B = "s", C = new List<double> { 1.5 } }, "m"));
    }

    /// <summary>The path to the first forbidden object inside <paramref name="root"/>, or null.</summary>
    private static string? FindForbidden(object? root, string rootPath)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(object? Value, string Path)>();
        pending.Push((root, rootPath));
        while (pending.Count > 0)
        {
            (object? value, string path) = pending.Pop();
            if (value is null || value is string || value is Type || value is Pointer)
            {
                continue;
            }

            Type type = value.GetType();
            if (Forbidden.Any(f => f.IsAssignableFrom(type)))
            {
                return path + " (" + type.Name + ")";
            }

            if (type.IsPrimitive || type.IsEnum || value is decimal || (!type.IsValueType && !seen.Add(value)))
            {
                continue;
            }

            // Fields first, items last: the stack pops items first, so a path names the element rather than a list's storage.
            for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
            {
                foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (field.FieldType.IsPointer || field.FieldType.IsByRefLike)
                    {
                        continue;
                    }

                    pending.Push((field.GetValue(value), path + "." + Member(field.Name)));
                }
            }

            if (value is IEnumerable items)
            {
                int i = 0;
                foreach (object? item in items)
                {
                    pending.Push((item, path + "[" + i++ + "]"));
                }
            }
        }

        return null;
    }

    // Compiler-named fields (auto-property backing fields, anonymous type members) read as the member's name.
    private static string Member(string fieldName) =>
        fieldName.StartsWith('<') ? fieldName[1..fieldName.IndexOf('>', StringComparison.Ordinal)] : fieldName;
}
