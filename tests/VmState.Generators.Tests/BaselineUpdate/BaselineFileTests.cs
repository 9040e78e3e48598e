using VmState.Generators.BaselineUpdate;
using VmState.Generators.Tests.TestSupport;

namespace VmState.Generators.Tests.BaselineUpdate;

/// <summary>How a baseline update merges the code's entries into the file it rewrites.</summary>
public sealed class BaselineFileTests
{
    private static BaselineEntry Entry(string key, int version = 1, bool section = true, string? problem = null) =>
        new(key, "Tests." + key, section, problem is null ? Value(key, version) : null, problem);

    // An entry value as the generator writes it (no fields: enough for the merge).
    private static string Value(string key, int version) =>
        "{\n    \"Name\": \"" + key + "\",\n    \"version_id\": " + version + ",\n    \"minimum_version_id\": 1,\n    \"Description\": {\n"
        + "      \"name\": \"" + key + "\",\n      \"version_id\": " + version + ",\n      \"minimum_version_id\": 1,\n      \"Fields\": [\n\n      ]\n    }\n  }";

    private static string File(string machine, params (string Key, int Version)[] entries) =>
        "{\n  \"vmschkmachine\": {\n    \"Name\": \"" + machine + "\"\n  }"
        + string.Concat(entries.Select(e => ",\n  \"" + e.Key + "\": " + Value(e.Key, e.Version))) + "\n}\n";

    [Fact]
    public void A_new_file_names_the_machine_and_holds_the_sections_in_key_order()
    {
        BaselineMerge update = BaselineFile.Update(null, "new.json", [Entry("b"), Entry("a"), Entry("nested", section: false)], "my-machine");

        Assert.Empty(update.Errors);
        Assert.Equal(File("my-machine", ("a", 1), ("b", 1)), update.Text);
        Assert.Equal(2, update.Written);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n")]
    public void An_empty_file_is_a_new_file(string text)
    {
        BaselineMerge update = BaselineFile.Update(text, "empty.json", [Entry("a")], "m");

        Assert.Equal(File("m", ("a", 1)), update.Text);
    }

    [Fact]
    public void An_update_keeps_the_order_and_machine_replaces_in_place_and_adds_new_sections_last()
    {
        string shipped = File("shipped-1.0", ("z", 1), ("b", 1));

        BaselineMerge update = BaselineFile.Update(shipped, "shipped.json", [Entry("b", version: 2), Entry("c"), Entry("a"), Entry("z")], "other");

        Assert.Empty(update.Errors);
        Assert.Empty(update.Kept);
        Assert.Equal(File("shipped-1.0", ("z", 1), ("b", 2), ("a", 1), ("c", 1)), update.Text);
        Assert.Equal(4, update.Written);
    }

    [Fact]
    public void An_update_of_its_own_output_changes_nothing()
    {
        BaselineEntry[] entries = [Entry("b", version: 2), Entry("c"), Entry("a")];
        string once = BaselineFile.Update(File("m", ("b", 1), ("old", 3)), "f.json", entries, "m").Text!;

        Assert.Equal(once, BaselineFile.Update(once, "f.json", entries, "m").Text);
    }

    [Fact]
    public void An_entry_the_code_no_longer_describes_is_kept_as_it_was_and_reported()
    {
        BaselineMerge update = BaselineFile.Update(File("m", ("gone", 3), ("a", 1)), "f.json", [Entry("a", version: 2)], "m");

        Assert.Equal(["gone"], update.Kept);
        Assert.Equal(File("m", ("gone", 3), ("a", 2)), update.Text);
        Assert.Equal(1, update.Written);
    }

    [Fact]
    public void A_nested_type_replaces_its_entry_and_adds_none()
    {
        BaselineMerge update = BaselineFile.Update(File("m", ("inner", 1)), "f.json", [Entry("inner", version: 2, section: false), Entry("other", section: false)], "m");

        Assert.Equal(File("m", ("inner", 2)), update.Text);
    }

    [Fact]
    public void A_kept_entry_is_printed_in_qemus_spacing()
    {
        const string compact = """{"vmschkmachine": {"Name": "m"}, "old": {"Name": "old", "Description": {"name": "old", "Fields": [], "Subsections": [{"name": "old/s", "Fields": [{"field": "x", "size": 4, "field_exists": false}]}]}}}""";

        BaselineMerge update = BaselineFile.Update(compact, "f.json", [], "m");

        Assert.Equal("""
            {
              "vmschkmachine": {
                "Name": "m"
              },
              "old": {
                "Name": "old",
                "Description": {
                  "name": "old",
                  "Fields": [

                  ],
                  "Subsections": [
                    {
                      "name": "old/s",
                      "Fields": [
                        {
                          "field": "x",
                          "size": 4,
                          "field_exists": false
                        }
                      ]
                    }
                  ]
                }
              }
            }

            """.Replace("\r\n", "\n"), update.Text);
    }

    [Fact]
    public void Qemus_own_dump_is_printed_back_byte_for_byte()
    {
        string path = Repository.PathOf("tests/Fixtures/qemu-7.2/pc.vmstate.json");
        string qemu = System.IO.File.ReadAllText(path);

        BaselineMerge update = BaselineFile.Update(qemu, path, [], "unused");

        Assert.Equal(qemu, update.Text);
        Assert.Contains("e1000", update.Kept);
    }

    [Theory]
    [InlineData("[]", "line 1, column 1: the top level is not an object")]
    [InlineData("{\"a\": 1,\n \"b\" 2}", "line 2, column 6: expected ':'")]
    [InlineData("{\"a\": [1, 2}", "line 1, column 12: expected ']'")]
    [InlineData("{\"a\": {", "line 1, column 8: expected a key in quotes")]
    [InlineData("{\"a\": tru}", "line 1, column 7: unexpected 't'")]
    [InlineData("{\"a\": \"x}", "line 1, column 10: a string does not end")]
    [InlineData("{} {}", "line 1, column 4: text after the top-level object")]
    public void A_malformed_file_is_an_error_naming_the_file_line_and_column(string text, string message)
    {
        BaselineMerge update = BaselineFile.Update(text, "bad.json", [Entry("a")], "m");

        Assert.Null(update.Text);
        Assert.Equal("bad.json: " + message, Assert.Single(update.Errors));
    }

    [Fact]
    public void A_file_nested_too_deep_is_an_error_not_a_stack_overflow()
    {
        string deep = "{\"a\": " + new string('[', 100_000) + new string(']', 100_000) + "}";

        BaselineMerge update = BaselineFile.Update(deep, "deep.json", [], "m");

        Assert.Contains("nested deeper than 64 levels", Assert.Single(update.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_key_is_an_error()
    {
        BaselineMerge update = BaselineFile.Update(File("m", ("a", 1), ("a", 2)), "twice.json", [Entry("a")], "m");

        Assert.Null(update.Text);
        Assert.Equal("twice.json: the key 'a' appears twice", Assert.Single(update.Errors));
    }

    [Fact]
    public void Two_types_that_describe_one_key_differently_are_an_error()
    {
        BaselineEntry other = new("a", "Tests.Other", true, Value("a", 2), null);

        BaselineMerge update = BaselineFile.Update(null, "f.json", [Entry("a"), other], "m");

        Assert.Null(update.Text);
        Assert.Equal("f.json: 'a' is described differently by Tests.a and Tests.Other", Assert.Single(update.Errors));
    }

    [Fact]
    public void An_entry_that_cannot_be_written_fails_the_update_only_when_it_would_be_written()
    {
        BaselineEntry broken = Entry("nested", section: false, problem: "field 'r' of 'nested': the size of its codec C is not known at build time");

        Assert.Empty(BaselineFile.Update(null, "f.json", [Entry("a"), broken], "m").Errors);
        BaselineMerge update = BaselineFile.Update(File("m", ("nested", 1)), "f.json", [Entry("a"), broken], "m");
        Assert.Null(update.Text);
        Assert.Equal("f.json: cannot write 'nested' (Tests.nested): field 'r' of 'nested': the size of its codec C is not known at build time", Assert.Single(update.Errors));
    }
}
