using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Filtering;

namespace ScimProvisioning.Scim.Tests.Filtering;

public sealed class ScimFilterParserTests
{
    [Fact]
    public void Parses_a_simple_equality()
    {
        var node = Assert.IsType<ComparisonFilter>(ScimFilterParser.Parse("userName eq \"bjensen\""));
        Assert.Equal(new AttributePath(null, "userName"), node.Path);
        Assert.Equal(ComparisonOperator.Eq, node.Operator);
        Assert.Equal(FilterValue.String("bjensen"), node.Value);
    }

    [Theory]
    [InlineData("userName EQ \"a\"")]
    [InlineData("userName Eq \"a\"")]
    [InlineData("  userName   eq   \"a\"  ")]
    public void Operators_are_case_insensitive_and_whitespace_is_free(string text) =>
        Assert.Equal("userName eq \"a\"", ScimFilterParser.Parse(text).ToString());

    [Fact]
    public void And_binds_tighter_than_or()
    {
        var node = Assert.IsType<LogicalFilter>(ScimFilterParser.Parse("a eq 1 or b eq 2 and c eq 3"));
        Assert.Equal(LogicalOperator.Or, node.Operator);
        Assert.Equal(LogicalOperator.And, Assert.IsType<LogicalFilter>(node.Right).Operator);
    }

    [Fact]
    public void Parentheses_override_precedence()
    {
        var node = Assert.IsType<LogicalFilter>(ScimFilterParser.Parse("(a eq 1 or b eq 2) and c eq 3"));
        Assert.Equal(LogicalOperator.And, node.Operator);
        Assert.Equal(LogicalOperator.Or, Assert.IsType<LogicalFilter>(node.Left).Operator);
    }

    [Fact]
    public void Not_binds_tightest()
    {
        var node = Assert.IsType<LogicalFilter>(ScimFilterParser.Parse("not (a eq 1) and b eq 2"));
        Assert.IsType<NotFilter>(node.Left);
    }

    [Fact]
    public void Value_paths_with_nested_logic()
    {
        var node = Assert.IsType<ValuePathFilter>(ScimFilterParser.Parse("emails[type eq \"work\" and value co \"@example.com\"]"));
        Assert.Equal("emails", node.Path.Name);
        Assert.Equal(LogicalOperator.And, Assert.IsType<LogicalFilter>(node.Inner).Operator);
    }

    [Fact]
    public void Entras_value_path_with_trailing_sub_attribute_means_the_same_element()
    {
        var node = Assert.IsType<ValuePathFilter>(ScimFilterParser.Parse("emails[type eq \"work\"].value eq \"a@x.com\""));
        Assert.Equal("emails[type eq \"work\" and value eq \"a@x.com\"]", node.ToString());
    }

    [Fact]
    public void Urn_qualified_paths_keep_schema_and_sub_attribute()
    {
        var node = Assert.IsType<ComparisonFilter>(
            ScimFilterParser.Parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"x\"")
        );
        Assert.Equal("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", node.Path.SchemaUri);
        Assert.Equal("manager", node.Path.Name);
        Assert.Equal("value", node.Path.SubAttribute);
    }

    [Theory]
    [InlineData("active eq true", FilterValueKind.Boolean)]
    [InlineData("active eq False", FilterValueKind.Boolean)]
    [InlineData("x eq null", FilterValueKind.Null)]
    [InlineData("x gt 42", FilterValueKind.Number)]
    [InlineData("x gt -1.5e3", FilterValueKind.Number)]
    [InlineData("externalId eq jyoung", FilterValueKind.String)]
    [InlineData("meta.created gt 2015-10-10T14:38:21.846Z", FilterValueKind.String)]
    public void Values_are_typed(string text, FilterValueKind kind) =>
        Assert.Equal(kind, Assert.IsType<ComparisonFilter>(ScimFilterParser.Parse(text)).Value!.Kind);

    [Fact]
    public void Present_takes_no_value()
    {
        var node = Assert.IsType<ComparisonFilter>(ScimFilterParser.Parse("title pr"));
        Assert.Equal(ComparisonOperator.Pr, node.Operator);
        Assert.Null(node.Value);
    }

    [Fact]
    public void String_escapes_are_decoded()
    {
        var node = Assert.IsType<ComparisonFilter>(ScimFilterParser.Parse("displayName eq \"a \\\"quoted\\\" \\u00e9 \\\\ b\""));
        Assert.Equal("a \"quoted\" é \\ b", node.Value!.Text);
    }

    [Theory]
    [InlineData("userName eq \"plain@example.com\"", "plain@example.com")]
    [InlineData("userName eq \"\"", "")]
    [InlineData("userName eq \"no escape\" and title eq \"a\\\"b\"", "no escape")]
    [InlineData("userName eq \"escape last\\\\\"", "escape last\\")]
    public void Strings_with_and_without_escapes_end_at_their_closing_quote(string text, string first)
    {
        var node = ScimFilterParser.Parse(text);
        var comparison = Assert.IsType<ComparisonFilter>(node is LogicalFilter logical ? logical.Left : node);
        Assert.Equal(first, comparison.Value!.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("userName")]
    [InlineData("userName eq")]
    [InlineData("userName zz \"a\"")]
    [InlineData("userName 1 \"a\"")]
    [InlineData("userName e1 \"a\"")]
    [InlineData("userName eq \"a")]
    [InlineData("(userName eq \"a\"")]
    [InlineData("userName eq \"a\")")]
    [InlineData("userName eq \"a\" and")]
    [InlineData("emails[type eq \"work\"")]
    [InlineData("emails[type[value eq 1] eq 1]")]
    [InlineData("1abc eq \"x\"")]
    [InlineData("userName eq \"a\" userName eq \"b\"")]
    [InlineData("a eq \"\\q\"")]
    public void Malformed_filters_are_invalid_filter_errors(string text)
    {
        var error = Assert.Throws<ScimException>(() => ScimFilterParser.Parse(text));
        Assert.Equal(ScimErrorTypes.InvalidFilter, error.ScimType);
        Assert.Equal(400, error.Status);
        Assert.False(string.IsNullOrWhiteSpace(error.Detail));
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        var deep = string.Concat(Enumerable.Repeat("(", 40)) + "a eq 1" + string.Concat(Enumerable.Repeat(")", 40));
        var error = Assert.Throws<ScimException>(() => ScimFilterParser.Parse(deep, maxDepth: 32));
        Assert.Contains("nesting", error.Detail);
        Assert.IsType<ComparisonFilter>(ScimFilterParser.Parse(deep, maxDepth: 64));
    }

    [Theory]
    [InlineData("userName eq \"a\"")]
    [InlineData("a eq 1 and (b eq 2 or c eq 3)")]
    [InlineData("(a eq 1 or b eq 2) and c eq 3")]
    [InlineData("not (a pr) or emails[type eq \"work\" and not (value ew \".org\")]")]
    [InlineData("a eq 1 and b eq 2 and c eq 3")]
    [InlineData("a eq 1 and (b eq 2 and c eq 3)")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName sw \"O'Brien\"")]
    public void Printing_reparses_to_the_same_tree(string text)
    {
        var tree = ScimFilterParser.Parse(text);
        Assert.Equal(tree, ScimFilterParser.Parse(tree.ToString()));
    }

    [Theory]
    [InlineData("members[value eq \"u1\"]", "members", null, true)]
    [InlineData("emails[type eq \"work\"].value", "emails", "value", true)]
    [InlineData("name.givenName", "name", "givenName", false)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "department", null, false)]
    public void Patch_paths(string text, string attribute, string? sub, bool hasFilter)
    {
        var (path, filter, subAttribute) = ScimFilterParser.ParsePatchPath(text);
        Assert.Equal(attribute, path.Name);
        Assert.Equal(sub, subAttribute ?? path.SubAttribute);
        Assert.Equal(hasFilter, filter is not null);
    }

    [Theory]
    [InlineData("emails[type eq ")]
    [InlineData("emails[type eq \"work\"]junk")]
    [InlineData("9lives")]
    [InlineData("a.b.c")]
    public void Bad_patch_paths_are_invalid_path_errors(string text) =>
        Assert.Equal(ScimErrorTypes.InvalidPath, Assert.Throws<ScimException>(() => ScimFilterParser.ParsePatchPath(text)).ScimType);
}
