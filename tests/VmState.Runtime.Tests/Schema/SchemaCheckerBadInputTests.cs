using VmState.Description;
using VmState.Schema;
using VmState.Wire;

namespace VmState.Runtime.Tests.Schema;

/// <summary>
/// Inputs QEMU's script crashes on become one typed error naming the file, the JSON path and what is wrong; what
/// the script never reads is not checked, as in the script.
/// </summary>
public sealed class SchemaCheckerBadInputTests
{
    private const string Good = "{\"x\": {\"version_id\": 1, \"Description\": {\"name\": \"x\", \"version_id\": 1, \"Fields\": []}}}";

    private static VmStateSchemaException Fails(string source, string destination) =>
        Assert.Throws<VmStateSchemaException>(() => SchemaChecker.Check(
            DumpVmStateDocument.Parse(source.Replace('\'', '"'), "old.json"),
            DumpVmStateDocument.Parse(destination.Replace('\'', '"'), "new.json")));

    [Theory]
    [InlineData("{'x': ")]
    [InlineData("")]
    [InlineData("{'x': 1} {}")]
    [InlineData("{'x': NaN}")]
    [InlineData("{'x': [1,]}")]
    public void Text_that_is_not_json_is_named_with_its_position(string text)
    {
        VmStateSchemaException e = Fails(text, Good);

        Assert.StartsWith("old.json: not valid JSON at line 1, byte ", e.Message, StringComparison.Ordinal);
        Assert.Equal("old.json", e.DumpName);
    }

    [Fact]
    public void A_top_level_that_is_not_an_object_is_refused()
    {
        VmStateSchemaException e = Fails(Good, "[1, 2]");

        Assert.Equal("new.json: $: expected an object, got an array", e.Message);
        Assert.Equal("$", e.JsonPath);
    }

    [Fact]
    public void A_missing_key_the_check_needs_names_the_object()
    {
        VmStateSchemaException e = Fails(Good, "{'x': {'version_id': 1, 'Description': {'version_id': 1}}}");

        Assert.Equal("new.json: $.x.Description: \"name\" missing", e.Message);
    }

    [Theory]
    [InlineData("'2'", "expected an integer, got a string")]
    [InlineData("true", "expected an integer, got true")]
    [InlineData("null", "expected an integer, got null")]
    [InlineData("1.0", "expected an integer, got the number 1.0")]
    [InlineData("{}", "expected an integer, got an object")]
    public void A_version_that_is_not_an_integer_is_refused(string version, string reason)
    {
        VmStateSchemaException e = Fails(Good, "{'x': {'version_id': " + version + "}}");

        Assert.Equal("new.json: $.x.version_id: " + reason, e.Message);
    }

    [Fact]
    public void Paths_quote_keys_that_are_not_plain_names()
    {
        VmStateSchemaException e = Fails(
            "{'SUNW,fdtwo': {'version_id': 1, 'Description': {'name': 'fdc', 'version_id': 1, 'Fields': [{'field': 'a', 'version_id': 0, 'size': 4}]}}}",
            "{'SUNW,fdtwo': {'version_id': 1, 'Description': {'name': 'fdc', 'version_id': 1, 'Fields': [{'field': 'a', 'version_id': 0, 'size': 'big'}]}}}");

        Assert.Equal("new.json: $['SUNW,fdtwo'].Description.Fields[0].size: expected an integer, got a string", e.Message);
    }

    [Fact]
    public void A_field_list_that_is_not_a_list_is_refused()
    {
        VmStateSchemaException e = Fails(Good, "{'x': {'version_id': 1, 'Description': {'name': 'x', 'version_id': 1, 'Fields': 3}}}");

        Assert.Equal("new.json: $.x.Description.Fields: expected an array, got the number 3", e.Message);
    }

    [Fact]
    public void Nesting_deeper_than_64_is_refused_while_parsing()
    {
        string deep = "{'x': " + new string('[', 100) + new string(']', 100) + "}";

        VmStateSchemaException e = Fails(deep, Good);

        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
        Assert.Contains("64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_within_the_limit_but_hostile_is_walked_without_trouble()
    {
        // Structs nested 19 deep (64 JSON levels, the parser's limit) on both sides, with a size change at the
        // bottom: the checker's recursion follows the document's depth only.
        static string Nest(int depth, int leafSize) => depth == 0
            ? "[{'field': 'leaf', 'version_id': 0, 'size': " + leafSize + "}]"
            : "[{'field': 's', 'version_id': 0, 'size': 1, 'Description': {'name': 'd', 'version_id': 1, 'Fields': " + Nest(depth - 1, leafSize) + "}}]";
        static string Dump(int leafSize) =>
            ("{'x': {'version_id': 1, 'Description': {'name': 'x', 'version_id': 1, 'Fields': " + Nest(19, leafSize) + "}}}").Replace('\'', '"');

        Assert.Equal("Section \"x\" Description \"d\" Field \"leaf\" size mismatch: 1 , 2\n", SchemaChecker.Check(Dump(1), Dump(2)).Output);
    }

    [Fact]
    public void A_lone_surrogate_is_refused()
    {
        VmStateSchemaException e = Fails("{'x\\ud800': {'version_id': 1}}", Good);

        Assert.Equal("old.json: $: a key that is not valid Unicode", e.Message);
    }

    [Fact]
    public void Integers_longer_than_pythons_limit_are_refused_as_python_does()
    {
        VmStateSchemaException e = Fails("{'x': {'version_id': " + new string('7', 4301) + "}}", Good);
        Assert.Contains("more than 4300 digits", e.Message, StringComparison.Ordinal);

        string limit = "{'x': {'version_id': " + new string('7', 4300) + "}}";
        Assert.Equal(0, SchemaChecker.Check(limit.Replace('\'', '"'), limit.Replace('\'', '"')).ExitCode);
    }

    [Fact]
    public void Utf8_bytes_that_are_not_utf8_are_refused()
    {
        byte[] bytes = [.. "{\"x\xff\": 1}"u8];
        bytes[3] = 0xff;

        VmStateSchemaException e = Assert.Throws<VmStateSchemaException>(() => DumpVmStateDocument.Parse(bytes, "bad.json"));

        Assert.StartsWith("bad.json: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void What_the_script_never_reads_is_not_checked()
    {
        // A dest-only section and dest subsections when src has none are never looked at by the script.
        string source = "{'x': {'version_id': 1, 'Description': {'name': 'x', 'version_id': 1, 'Fields': [], 'Subsections': []}}}";
        string destination = "{'x': {'version_id': 1, 'Description': {'name': 'x', 'version_id': 1, 'Fields': [], 'Subsections': 17}}, 'junk': [1, {'a': null}]}";

        Assert.Equal(0, SchemaChecker.Check(source.Replace('\'', '"'), destination.Replace('\'', '"')).ExitCode);
    }

    [Fact]
    public void The_string_overload_names_the_dumps_src_and_dest()
    {
        VmStateSchemaException e = Assert.Throws<VmStateSchemaException>(() => SchemaChecker.Check(Good, "{'x': {}}".Replace('\'', '"')));

        Assert.Equal("dest: $.x: \"version_id\" missing", e.Message);
        Assert.IsAssignableFrom<VmStateException>(e);
    }
}
