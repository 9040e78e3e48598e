using VmState.Analysis;

namespace VmState.Runtime.Tests.Analysis;

/// <summary>
/// Descriptions QEMU does not write but a stream may hold, decoded as QEMU 7.2's and QEMU 10.0's
/// analyze-migration.py decode them (each expected text is what that script printed for the same bytes).
/// </summary>
public sealed class ScriptEdgeCaseTests
{
    [Theory]
    // A name met again replaces the first value, in the first place.
    [InlineData(
        "{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1}, {\"name\": \"b\", \"type\": \"uint8\", \"size\": 1}, {\"name\": \"a\", \"type\": \"uint8\", \"size\": 1}",
        "010203",
        "{\"d (1)\": {\"a\": \"0x03\", \"b\": \"0x02\"}}")]
    // array_len 1 is still a list.
    [InlineData("{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1, \"array_len\": 1}", "01", "{\"d (1)\": {\"a\": [\"0x01\"]}}")]
    // array_len 0 reads one element, as the script's unfolding does.
    [InlineData(
        "{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1, \"array_len\": 0}, {\"name\": \"b\", \"type\": \"uint8\", \"size\": 1}",
        "0102",
        "{\"d (1)\": {\"a\": [\"0x01\"], \"b\": \"0x02\"}}")]
    // "uint8 equal" and "uint16 equal" print as signed integers.
    [InlineData("{\"name\": \"a\", \"type\": \"uint8 equal\", \"size\": 1}", "ff", "{\"d (1)\": {\"a\": \"0xff (-1)\"}}")]
    [InlineData("{\"name\": \"a\", \"type\": \"uint16 equal\", \"size\": 2}", "fffe", "{\"d (1)\": {\"a\": \"0xfffe (-2)\"}}")]
    // One field per element with an "index", as QEMU describes struct arrays.
    [InlineData(
        "{\"name\": \"a\", \"index\": 0, \"type\": \"uint8\", \"size\": 1}, {\"name\": \"a\", \"index\": 1, \"type\": \"uint8\", \"size\": 1}",
        "0102",
        "{\"d (1)\": {\"a\": [\"0x01\", \"0x02\"]}}")]
    // QEMU 7.2 does not know the nullptr type: its bytes.
    [InlineData("{\"name\": \"a\", \"type\": \"nullptr\", \"size\": 1}", "30", "{\"d (1)\": {\"a\": \"30\"}}")]
    public void An_unusual_description_decodes_as_the_script_decodes_it(string fields, string body, string expected)
    {
        byte[] stream = Stream(fields, body);

        string state = MigrationStreamAnalyzer.State(stream).ToJson();

        Assert.Equal(Pretty(expected), state);
    }

    [Theory]
    // A name met again makes a list of both values, in the first place.
    [InlineData(
        "{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1}, {\"name\": \"b\", \"type\": \"uint8\", \"size\": 1}, {\"name\": \"a\", \"type\": \"uint8\", \"size\": 1}",
        "010203",
        "{\"d (1)\": {\"a\": [\"0x01\", \"0x03\"], \"b\": \"0x02\"}}")]
    // An array of one element (array_len 1, or 0, which still reads one) is that element.
    [InlineData("{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1, \"array_len\": 1}", "01", "{\"d (1)\": {\"a\": \"0x01\"}}")]
    [InlineData(
        "{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1, \"array_len\": 0}, {\"name\": \"b\", \"type\": \"uint8\", \"size\": 1}",
        "0102",
        "{\"d (1)\": {\"a\": \"0x01\", \"b\": \"0x02\"}}")]
    // "index" is not looked at: one that does not follow is no error.
    [InlineData("{\"name\": \"a\", \"index\": 1, \"type\": \"uint8\", \"size\": 1}", "01", "{\"d (1)\": {\"a\": \"0x01\"}}")]
    // An array after a value of the same name joins it.
    [InlineData(
        "{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1}, {\"name\": \"a\", \"array_len\": 2, \"type\": \"uint8\", \"size\": 1}",
        "010203",
        "{\"d (1)\": {\"a\": [\"0x01\", \"0x02\", \"0x03\"]}}")]
    // A struct array whose last element has no "index", as QEMU 10 writes them: both elements.
    [InlineData(
        "{\"name\": \"a\", \"index\": 0, \"type\": \"struct\", \"size\": 1, \"struct\": {\"vmsd_name\": \"s\", \"version\": 1, \"fields\": [{\"name\": \"x\", \"type\": \"uint8\", \"size\": 1}]}}, "
        + "{\"name\": \"a\", \"type\": \"struct\", \"size\": 1, \"struct\": {\"vmsd_name\": \"s\", \"version\": 1, \"fields\": [{\"name\": \"x\", \"type\": \"uint8\", \"size\": 1}]}}",
        "0102",
        "{\"d (1)\": {\"a\": [{\"x\": \"0x01\"}, {\"x\": \"0x02\"}]}}")]
    // A NULL element's marker.
    [InlineData("{\"name\": \"a\", \"type\": \"nullptr\", \"size\": 1}", "30", "{\"d (1)\": {\"a\": \"nullptr\"}}")]
    public void An_unusual_description_decodes_as_qemu_10s_script_decodes_it(string fields, string body, string expected)
    {
        byte[] stream = Stream(fields, body);

        string state = MigrationStreamAnalyzer.State(stream, rules: AnalyzerRules.Qemu10).ToJson();

        Assert.Equal(Pretty(expected), state);
    }

    [Fact]
    public void A_description_of_the_configuration_section_picks_qemu_10s_rules()
    {
        const string Fields = "{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1, \"array_len\": 1}";
        const string Configuration = "\"configuration\": {\"vmsd_name\": \"configuration\", \"version\": 1, \"fields\": []}, ";

        Assert.Equal(Pretty("{\"d (1)\": {\"a\": \"0x01\"}}"), MigrationStreamAnalyzer.State(Stream(Fields, "01", Configuration)).ToJson());
        Assert.Equal(Pretty("{\"d (1)\": {\"a\": [\"0x01\"]}}"), MigrationStreamAnalyzer.State(Stream(Fields, "01")).ToJson());
        Assert.Equal(
            Pretty("{\"d (1)\": {\"a\": [\"0x01\"]}}"),
            MigrationStreamAnalyzer.State(Stream(Fields, "01", Configuration), rules: AnalyzerRules.Qemu72).ToJson());
    }

    [Fact]
    public void A_nullptr_field_that_is_not_the_marker_is_a_load_error_by_qemu_10s_rules()
    {
        byte[] stream = Stream("{\"name\": \"a\", \"type\": \"nullptr\", \"size\": 1}", "31");

        var e = Assert.Throws<VmState.Wire.VmStateLoadException>(() => MigrationStreamAnalyzer.State(stream, rules: AnalyzerRules.Qemu10));

        Assert.Contains("not the marker 30", e.Message, StringComparison.Ordinal);
        Assert.Contains("d", e.Section, StringComparison.Ordinal);
    }

    [Theory]
    // An element index that does not follow the list, and an array after a value of the same name: the script stops too.
    [InlineData("{\"name\": \"a\", \"index\": 1, \"type\": \"uint8\", \"size\": 1}", "01")]
    [InlineData("{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1}, {\"name\": \"a\", \"array_len\": 2, \"type\": \"uint8\", \"size\": 1}", "010203")]
    [InlineData("{\"name\": \"a\", \"array_len\": 2, \"type\": \"uint8\", \"size\": 1}, {\"name\": \"a\", \"array_len\": 2, \"type\": \"uint8\", \"size\": 1}", "01020304")]
    public void A_list_whose_elements_do_not_follow_is_a_load_error(string fields, string body)
    {
        Assert.Throws<VmState.Wire.VmStateLoadException>(() => MigrationStreamAnalyzer.State(Stream(fields, body)));
    }

    private static byte[] Stream(string fields, string body, string configuration = "")
    {
        byte[] sections = [.. Hex.Bytes("5145564d 00000003 04 00000001 01 64 00000000 00000001"), .. Hex.Bytes(body), .. Hex.Bytes("7e 00000001 00")];
        string json = "{" + configuration + "\"page_size\": 4096, \"devices\": [{\"name\": \"d\", \"instance_id\": 0, \"vmsd_name\": \"d\", \"version\": 1, \"fields\": [" + fields + "]}]}";
        byte[] text = System.Text.Encoding.UTF8.GetBytes(json);
        return [.. sections, 0x06, (byte)(text.Length >> 24), (byte)(text.Length >> 16), (byte)(text.Length >> 8), (byte)text.Length, .. text];
    }

    // Compact JSON as the script prints it (indent 4).
    private static string Pretty(string json)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return AnalysisNode.FromJson(doc.RootElement).ToJson();
    }
}
