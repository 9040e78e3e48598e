using System.Text.Json;
using VmState.Description;
using VmState.Runtime.Tests.Allocation;
using VmState.Runtime.Tests.Encoding;
using VmState.Runtime.Tests.Failures;
using VmState.Runtime.Tests.Subsections;
using VmState.Runtime.Tests.Versioning;

namespace VmState.Runtime.Tests.Schema;

/// <summary>The VMDESCRIPTION object of a device: exact text, and sizes that add up to the saved length.</summary>
public sealed class DescribeTests
{
    // Bytes the description says the body takes, the way analyze-migration.py walks it: each field entry is read
    // array_len times (once without it), and each subsection adds its header (marker, counted name, be32 version).
    private static long DescribedSize(JsonElement body)
    {
        long total = 0;
        foreach (JsonElement field in body.GetProperty("fields").EnumerateArray())
        {
            long count = field.TryGetProperty("array_len", out JsonElement n) ? n.GetInt64() : 1;
            total += field.GetProperty("size").GetInt64() * count;
        }

        if (body.TryGetProperty("subsections", out JsonElement subs))
        {
            foreach (JsonElement sub in subs.EnumerateArray())
            {
                total += 1 + 1 + System.Text.Encoding.UTF8.GetByteCount(sub.GetProperty("vmsd_name").GetString()!) + 4;
                total += DescribedSize(sub);
            }
        }

        return total;
    }

    // The struct description nested in a field must add up to the field's size too.
    private static void NestedSizesAgree(JsonElement body)
    {
        foreach (JsonElement field in body.GetProperty("fields").EnumerateArray())
        {
            if (field.TryGetProperty("struct", out JsonElement nested))
            {
                Assert.Equal(field.GetProperty("size").GetInt64(), DescribedSize(nested));
                NestedSizesAgree(nested);
            }
            else if (field.TryGetProperty("fields", out _))
            {
                // tmp / vstruct: the nested saver writes its members into the field object itself.
                Assert.Equal(field.GetProperty("size").GetInt64(), DescribedSize(field));
            }
        }
    }

    private static void SizesAddUp<T>(T dev)
        where T : IVmStateObject
    {
        byte[] saved = VmStateSerializer.Save(dev);
        string json = VmStateSerializer.Describe(dev);
        using JsonDocument doc = JsonDocument.Parse(json);
        Assert.Equal(T.VmStateDescription.Name, doc.RootElement.GetProperty("vmsd_name").GetString());
        Assert.Equal(T.VmStateDescription.Version, doc.RootElement.GetProperty("version").GetInt32());
        Assert.Equal(saved.Length, DescribedSize(doc.RootElement));
        Assert.Equal(saved.Length, VmStateSerializer.SizeOf(dev));
        NestedSizesAgree(doc.RootElement);
    }

    [Fact]
    public void Sizes_add_up_for_a_device_with_every_kind() => SizesAddUp(AllocationFreeTests.Sample());

    [Fact]
    public void Sizes_add_up_for_nested_structs_and_variable_arrays()
    {
        SizesAddUp(new Nested
        {
            In = new Inner { ExtraNeeded = true },
            N = 3,
            Inners = [new Inner(), new Inner { ExtraNeeded = true }, new Inner()],
        });
        SizesAddUp(new VarArrays { NI32 = 1, AI32 = [1], NU8 = 2, AU8 = [1, 2], NU16 = 3, AU16 = [1, 2, 3], NU32 = 1, AU32 = [1] });
        SizesAddUp(new Buffers { Len = 3, Data = [1, 2, 3] });
    }

    [Fact]
    public void Sizes_add_up_with_and_without_subsections()
    {
        SizesAddUp(new SubDev { OneNeeded = true, TwoNeeded = true });
        SizesAddUp(new SubDev { TwoNeeded = true });
        SizesAddUp(new SubDev());
        SizesAddUp(new PathDev { SubNeeded = false });
    }

    [Fact]
    public void Sizes_add_up_for_gated_fields_padding_tmp_and_checks()
    {
        SizesAddUp(new Versioned { CFlag = true });
        SizesAddUp(new Versioned { CFlag = false });
        SizesAddUp(new UnusedDev());
        SizesAddUp(new TmpParent());
        SizesAddUp(new CheckedDev());
        SizesAddUp(new ValidateDev());
        SizesAddUp(new FixedArrays());
        SizesAddUp(new Primitives());
    }

    [Fact]
    public void Struct_arrays_are_compressed_unless_the_struct_has_subsections()
    {
        var dev = new Nested
        {
            In = new Inner { ExtraNeeded = true },
            N = 2,
            Inners = [new Inner(), new Inner { ExtraNeeded = true }],
        };
        const string point = "{\"vmsd_name\": \"point\", \"version\": 1, \"fields\": [{\"name\": \"x\", \"type\": \"int32\", \"size\": 4}, {\"name\": \"y\", \"type\": \"int32\", \"size\": 4}]}";
        const string innerPlain = "{\"vmsd_name\": \"k-inner\", \"version\": 3, \"fields\": [{\"name\": \"x\", \"type\": \"uint32\", \"size\": 4}]}";
        const string innerExtra = "{\"vmsd_name\": \"k-inner\", \"version\": 3, \"fields\": [{\"name\": \"x\", \"type\": \"uint32\", \"size\": 4}], " +
            "\"subsections\": [{\"vmsd_name\": \"k-inner/extra\", \"version\": 1, \"fields\": [{\"name\": \"e\", \"type\": \"uint8\", \"size\": 1}]}]}";
        string expected =
            "{\"vmsd_name\": \"k-nested\", \"version\": 1, \"fields\": [" +
            "{\"name\": \"pos\", \"type\": \"struct\", \"struct\": " + point + ", \"size\": 8}, " +
            "{\"name\": \"inner\", \"type\": \"struct\", \"struct\": " + innerExtra + ", \"size\": 24}, " +
            "{\"name\": \"pts\", \"array_len\": 2, \"type\": \"struct\", \"struct\": " + point + ", \"size\": 8}, " +
            "{\"name\": \"n\", \"type\": \"uint8\", \"size\": 1}, " +
            "{\"name\": \"inners\", \"index\": 0, \"type\": \"struct\", \"struct\": " + innerPlain + ", \"size\": 4}, " +
            "{\"name\": \"inners\", \"index\": 1, \"type\": \"struct\", \"struct\": " + innerExtra + ", \"size\": 24}]}";
        Assert.Equal(expected, VmStateSerializer.Describe(dev));
    }

    [Fact]
    public void Repeated_padding_names_get_an_index_suffix()
    {
        Assert.Equal(
            "{\"vmsd_name\": \"k-unused\", \"version\": 1, \"fields\": [{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1}, " +
            "{\"name\": \"unused[0]\", \"type\": \"unused_buffer\", \"size\": 3}, {\"name\": \"unused[1]\", \"type\": \"unused_buffer\", \"size\": 2}, " +
            "{\"name\": \"b\", \"type\": \"uint16\", \"size\": 2}]}",
            VmStateSerializer.Describe(new UnusedDev()));
    }

    [Fact]
    public void Tmp_members_are_written_into_the_field_object()
    {
        Assert.Equal(
            "{\"vmsd_name\": \"k-tmp-parent\", \"version\": 1, \"fields\": [{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1}, " +
            "{\"name\": \"tmp\", \"type\": \"tmp\", \"vmsd_name\": \"k-tmp\", \"version\": 1, \"fields\": [{\"name\": \"packed\", \"type\": \"uint32\", \"size\": 4}, " +
            "{\"name\": \"hi_set\", \"type\": \"bool\", \"size\": 1}], \"size\": 5}, {\"name\": \"z\", \"type\": \"uint8\", \"size\": 1}]}",
            VmStateSerializer.Describe(new TmpParent()));
    }
}

/// <summary>Single-element arrays: QEMU adds neither <c>array_len</c> nor <c>index</c> when an array has one element.</summary>
public sealed class DescribeSingleElementTests
{
    [Fact]
    public void Single_element_struct_array_that_cannot_be_compressed_has_no_index()
    {
        var dev = new Nested { N = 1, Inners = [new Inner { X = 1, ExtraNeeded = true }] };
        string json = VmStateSerializer.Describe(dev);
        Assert.Contains("{\"name\": \"inners\", \"type\": \"struct\", \"struct\": {\"vmsd_name\": \"k-inner\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"index\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Single_element_struct_array_that_can_be_compressed_has_no_array_len()
    {
        var dev = new Nested { N = 1, Inners = [new Inner { X = 1 }] };
        string json = VmStateSerializer.Describe(dev);
        Assert.DoesNotContain("\"array_len\": 1", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"index\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_helper_writes_index_only_for_arrays_of_several_elements()
    {
        var json = new VmDescriptionWriter();
        json.BeginArray(null);
        json.Field("a", "uint8", 1, arrayLength: 1, index: 0);
        json.Field("b", "uint8", 1, arrayLength: 2, index: 1);
        json.Field("c", "uint8", 1, arrayLength: 3);
        json.EndArray();
        Assert.Equal(
            "[{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1}, {\"name\": \"b\", \"index\": 1, \"type\": \"uint8\", \"size\": 1}, " +
            "{\"name\": \"c\", \"array_len\": 3, \"type\": \"uint8\", \"size\": 1}]",
            json.ToString());
    }
}
