using VmState.Description;
using VmState.Schema;

namespace VmState.Runtime.Tests.Schema;

/// <summary>
/// One rule or quirk of QEMU 7.2's vmstate-static-checker.py per test; every expected text was printed by the
/// script for the same two inputs. JSON is written with single quotes for readability.
/// </summary>
public sealed class SchemaCheckerRuleTests
{
    private static SchemaCheckResult Check(string source, string destination) =>
        SchemaChecker.Check(source.Replace('\'', '"'), destination.Replace('\'', '"'));

    private static string Field(string name, int size, int version = 0, string extra = "") =>
        $"{{'field': '{name}', 'version_id': {version}, 'field_exists': false, 'size': {size}{extra}}}";

    private static string Desc(string name, string fields, int version = 1, int minimum = 1, string extra = "") =>
        $"{{'name': '{name}', 'version_id': {version}, 'minimum_version_id': {minimum}, 'Fields': [{fields}]{extra}}}";

    private static string Section(string key, string desc, int version = 1, int minimum = 1) =>
        $"{{'{key}': {{'Name': '{key}', 'version_id': {version}, 'minimum_version_id': {minimum}, 'Description': {desc}}}}}";

    private static void AssertOutput(SchemaCheckResult result, int exitCode, string output)
    {
        Assert.Equal(output, result.Output);
        Assert.Equal(exitCode, result.ExitCode);
    }

    [Fact]
    public void Identical_dumps_are_compatible()
    {
        string dump = Section("x", Desc("x", Field("a", 4) + "," + Field("b", 2)));
        AssertOutput(Check(dump, dump), 0, "");
    }

    [Fact]
    public void Section_level_minimum_version_error_prints_an_unfinished_line_and_counts_nothing()
    {
        // The script prints 'Section "x" ', forgets the rest, and the next message continues on that line.
        SchemaCheckResult result = Check(
            "{'x': {'version_id': 1}, 'y': {'version_id': 1}}",
            "{'x': {'version_id': 1, 'minimum_version_id': 2}}");

        AssertOutput(result, 1, "Section \"x\" Section \"y\" does not exist in dest\n");
        Assert.Equal(SchemaCheckSeverity.Fragment, result.Messages[0].Severity);
        Assert.Equal(SchemaCheckMessageKind.VersionTooOldUnfinished, result.Messages[0].Kind);
    }

    [Fact]
    public void An_unfinished_line_at_the_end_stays_without_a_line_end()
    {
        AssertOutput(Check("{'x': {'version_id': 1}}", "{'x': {'version_id': 1, 'minimum_version_id': 2}}"), 0, "Section \"x\" ");
    }

    [Fact]
    public void An_empty_description_name_drops_the_description_part_and_an_empty_field_name_the_field_part()
    {
        SchemaCheckResult result = Check(
            Section("x", Desc("", Field("a", 4) + "," + Field("", 2), version: 3)),
            Section("x", Desc("", Field("a", 8) + "," + Field("", 1), version: 2, minimum: 4)));

        AssertOutput(result, 3, "Section \"x\" version error: 3 > 2\nSection \"x\" Section \"x\" Field \"a\" size mismatch: 4 , 8\nSection \"x\" size mismatch: 2 , 1\n");
    }

    [Fact]
    public void Dest_unused_bytes_covered_exactly_by_source_fields_are_compatible()
    {
        AssertOutput(
            Check(
                Section("x", Desc("x", Field("a", 4) + "," + Field("b", 2) + "," + Field("c", 2) + "," + Field("z", 1))),
                Section("x", Desc("x", Field("a", 4) + "," + Field("unused", 4) + "," + Field("z", 1)))),
            0,
            "");
    }

    [Fact]
    public void Source_unused_bytes_are_covered_by_dest_fields_and_the_walk_goes_on()
    {
        AssertOutput(
            Check(
                Section("x", Desc("x", Field("a", 4) + "," + Field("unused", 4) + "," + Field("z", 1))),
                Section("x", Desc("x", Field("a", 4) + "," + Field("b", 2) + "," + Field("c", 2) + "," + Field("z", 2)))),
            1,
            "Section \"x\" Description \"x\" Field \"z\" size mismatch: 1 , 2\n");
    }

    [Fact]
    public void Unused_bytes_overrun_name_the_field_after_a_quote_and_a_space()
    {
        SchemaCheckResult result = Check(
            Section("x", Desc("x", Field("a", 4) + "," + Field("b", 2) + "," + Field("c", 4) + "," + Field("z", 1))),
            Section("x", Desc("x", Field("a", 4) + "," + Field("unused", 4) + "," + Field("z", 1))));

        AssertOutput(result, 1, "Section \"x\", Description \"x\": unused size mismatch near \" c\"\n");
        Assert.Equal(SchemaCheckMessageKind.UnusedSizeMismatch, result.Messages[0].Kind);
    }

    [Fact]
    public void A_field_rename_is_forgiven_only_under_its_description()
    {
        AssertOutput(Check(Section("x", Desc("e1000", Field("dev", 4))), Section("x", Desc("e1000", Field("parent_obj", 4)))), 0, "");
        AssertOutput(
            Check(Section("x", Desc("e1001", Field("dev", 4))), Section("x", Desc("e1001", Field("parent_obj", 4)))),
            1,
            "Section \"x\", Description \"e1001\": expected field \"dev\", got \"parent_obj\"; skipping rest\n");
    }

    [Fact]
    public void A_rename_the_code_records_is_forgiven_when_the_checker_is_told_and_only_then()
    {
        string source = Section("x", Desc("dev", Field("a", 4) + ", " + Field("old", 2)));
        string destination = Section("x", Desc("dev", Field("a", 4) + ", " + Field("new", 2)));
        var description = new VmStateDescription
        {
            Name = "dev",
            Fields = [new VmStateFieldDescription { Name = "a", Size = 4 }, new VmStateFieldDescription { Name = "new", Size = 2, FormerName = "old" }],
        };
        SchemaFieldRenames renames = SchemaFieldRenames.FromDescriptions([description]);
        Assert.Equal(1, renames.Count);

        DumpVmStateDocument Doc(string json, string side) => DumpVmStateDocument.Parse(json.Replace('\'', '"'), side);
        AssertOutput(SchemaChecker.Check(Doc(source, "src"), Doc(destination, "dest"), renames), 0, "");
        AssertOutput(SchemaChecker.Check(Doc(destination, "src"), Doc(source, "dest"), renames), 0, "");
        AssertOutput(Check(source, destination), 1, "Section \"x\", Description \"dev\": expected field \"old\", got \"new\"; skipping rest\n");

        // Only under the description that recorded it.
        string other = Section("x", Desc("other", Field("a", 4) + ", " + Field("old", 2)));
        string otherNew = Section("x", Desc("other", Field("a", 4) + ", " + Field("new", 2)));
        Assert.Equal(1, SchemaChecker.Check(Doc(other, "src"), Doc(otherNew, "dest"), renames).ExitCode);
    }

    [Fact]
    public void A_description_rename_is_forgiven_under_its_section()
    {
        AssertOutput(Check(Section("ioh3420", Desc("PCIDevice", Field("a", 4))), Section("ioh3420", Desc("PCIEDevice", Field("a", 4)))), 0, "");
        AssertOutput(
            Check(Section("x", Desc("x", "")), Section("x", Desc("y", ""))),
            1,
            "Section \"x\": Description \"x\" missing, got \"y\" instead; skipping\n");
    }

    [Fact]
    public void A_renamed_section_is_found_under_its_other_name_and_reported_under_the_source_name()
    {
        AssertOutput(
            Check(Section("ICH9 LPC", Desc("lpc", Field("a", 4)), version: 2), Section("ICH9-LPC", Desc("lpc", Field("a", 4)))),
            1,
            "Section \"ICH9 LPC\" version error: 2 > 1\n");
    }

    [Fact]
    public void A_dest_section_named_empty_stands_in_for_any_missing_section()
    {
        AssertOutput(Check(Section("foo", Desc("foo", Field("a", 4)), version: 2), Section("", Desc("foo", Field("a", 4)))), 1, "Section \"foo\" version error: 2 > 1\n");
    }

    [Fact]
    public void A_repeated_key_keeps_its_first_place_and_its_last_value()
    {
        AssertOutput(
            Check(
                "{'x': {'version_id': 5, 'Description': {}, 'version_id': 1}, 'y': {'version_id': 1}, 'x': {'version_id': 2}}",
                "{'x': {'version_id': 1}, 'y': {'version_id': 1}}"),
            1,
            "Section \"x\" version error: 2 > 1\n");
    }

    [Fact]
    public void Fields_moved_into_a_struct_are_followed_into_it_both_ways()
    {
        string flat = Section("x", Desc("x", Field("a", 4) + "," + Field("b", 2) + "," + Field("c", 1)));
        string wrapped = Section("x", Desc("x", Field("hid", 6, extra: ", 'Description': " + Desc("HID", Field("a", 4) + "," + Field("b", 4))) + "," + Field("c", 1)));

        AssertOutput(Check(flat, wrapped), 1, "Section \"x\" Description \"x\" Field \"b\" size mismatch: 2 , 4\n");
        AssertOutput(Check(wrapped, flat), 1, "Section \"x\" Description \"x\" Field \"b\" size mismatch: 4 , 2\n");
    }

    [Fact]
    public void Subsections_match_by_name_and_every_dest_namesake_is_checked()
    {
        AssertOutput(
            Check(
                Section("x", Desc("x", "", extra: ", 'Subsections': [" + Desc("x/a", Field("p", 1), version: 2) + "," + Desc("x/b", "") + "]")),
                Section("x", Desc("x", "", extra: ", 'Subsections': [" + Desc("x/a", Field("p", 2)) + "," + Desc("x/a", Field("p", 1), version: 3) + "]"))),
            3,
            "Section \"x\" Description \"x/a\": version error: 2 > 1\nSection \"x\" Description \"x/a\" Field \"p\" size mismatch: 1 , 2\nSection \"x\", Description \"x\": Subsection \"x/b\" not found\n");
    }

    [Fact]
    public void Field_versions_are_reported_under_the_description_name()
    {
        AssertOutput(
            Check(Section("x", Desc("x", Field("a", 4, version: 3))), Section("x", Desc("x", Field("a", 4, version: 2, extra: ", 'minimum_version_id': 5")))),
            2,
            "Section \"x\" Description \"x\": version error: 3 > 2\nSection \"x\" Description \"x\": minimum version error: 3 < 5\n");
    }

    [Fact]
    public void Every_source_key_missing_in_dest_is_an_error_in_source_key_order()
    {
        AssertOutput(
            Check(Section("x", Desc("x", Field("a", 4))), "{'x': {'Name': 'x', 'version_id': 1, 'Description': {'name': 'x', 'version_id': 1}}}"),
            3,
            "Section \"x\": Entry \"minimum_version_id\" missing\nSection \"x\" Description \"x\": Entry \"minimum_version_id\" missing\nSection \"x\" Description \"x\": Entry \"Fields\" missing\n");
    }

    [Fact]
    public void A_struct_field_without_its_description_in_dest_is_an_error()
    {
        AssertOutput(
            Check(Section("x", Desc("x", Field("s", 4, extra: ", 'Description': " + Desc("S", "")))), Section("x", Desc("x", Field("s", 4)))),
            1,
            "Section \"x\", Description \"x\", Field \"s\": missing description\n");
    }

    [Fact]
    public void A_shorter_dest_field_list_is_an_error_and_a_shorter_source_list_is_not()
    {
        string two = Section("x", Desc("x", Field("a", 4) + "," + Field("b", 4)));
        string one = Section("x", Desc("x", Field("a", 4)));

        AssertOutput(Check(two, one), 1, "Section \"x\", Description \"x\": expected field \"b\", while dest has no further fields\n");
        AssertOutput(Check(one, two), 0, "");
    }

    [Fact]
    public void The_machine_type_warning_is_printed_but_not_counted()
    {
        SchemaCheckResult result = Check("{'vmschkmachine': {'Name': 'a'}, 'x': {'version_id': 1}}", "{'vmschkmachine': {'Name': 'b'}, 'x': {'version_id': 1}}");

        AssertOutput(result, 0, "Warning: checking incompatible machine types: \"a\", \"b\"\n");
        Assert.True(result.IsCompatible);
    }

    [Fact]
    public void The_exit_code_stops_at_255_but_every_error_is_listed()
    {
        string sections = string.Join(", ", Enumerable.Range(0, 300).Select(i => $"'s{i}': {{'version_id': 1}}"));

        SchemaCheckResult result = Check("{" + sections + "}", "{}");

        Assert.Equal(300, result.ErrorCount);
        Assert.Equal(255, result.ExitCode);
        Assert.Equal(300, result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("Section \"s299\" does not exist in dest", result.Messages[^1].Text);
    }

    [Fact]
    public void Integers_have_no_size_limit()
    {
        AssertOutput(
            Check("{'x': {'version_id': 123456789012345678901234567890}}", "{'x': {'version_id': -0}}"),
            1,
            "Section \"x\" version error: 123456789012345678901234567890 > 0\n");
    }
}
