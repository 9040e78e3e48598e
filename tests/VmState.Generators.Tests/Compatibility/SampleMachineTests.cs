using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.Compatibility;

/// <summary>The sample machine's devices against QEMU 7.2's own schema: what it claims to be compatible with.</summary>
public sealed class SampleMachineTests
{

    [Fact]
    public void Sample_devices_are_clean_against_qemu_7_2()
    {
        string root = Repository.RootPath;
        var full = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "tests/Fixtures/qemu-7.2/pc.vmstate.json")))!.AsObject();
        var kept = new JsonObject();
        foreach (string name in new[] { "e1000", "cpu", "cpu_common" })
        {
            if (full[name] is { } section)
            {
                kept[name] = section.DeepClone();
            }
        }

        // QEMU 7.2's pc dump lists no CPU (CPUs are not user-creatable devices there), so only e1000 is compared.
        Assert.True(kept.ContainsKey("e1000"), "the fixture lacks e1000");
        string[] sources = [.. SampleDevicesBuild.SourcePaths().Select(File.ReadAllText)];
        ImmutableArray<Diagnostic> diagnostics = CompatibilityAnalysis.Run(sources, ("qemu-7.2-pc.json", kept.ToJsonString()));
        Assert.True(diagnostics.IsEmpty, TestCompilation.Describe(diagnostics));

        // Not clean by default: the devices were parsed and compared, so a later shipped version would be caught.
        kept["e1000"]!["Description"]!["version_id"] = 99;
        ImmutableArray<Diagnostic> later = CompatibilityAnalysis.Run(sources, ("qemu-7.2-pc.json", kept.ToJsonString()));
        Assert.Equal("VMS0101", Assert.Single(later).Id);
    }
}
