using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Filtering;

namespace ScimProvisioning.Scim.Tests.Properties;

public sealed class FilterRoundTripProperties
{
    [Fact]
    public void Printed_filters_reparse_to_the_same_tree()
    {
        var nested = 0;
        PropertyRunner.Check(
            FilterGenerators.Filter,
            cases: 2000,
            size: 24,
            tree =>
            {
                Assert.Equal(tree, ScimFilterParser.Parse(tree.ToString(), maxDepth: 1000));
                nested += tree is LogicalFilter or NotFilter or ValuePathFilter ? 1 : 0;
            }
        );
        Assert.True(nested > 500, $"the generator should produce mostly compound filters; got {nested} of 2000");
    }

    [Fact]
    public void Random_text_either_parses_or_is_an_invalid_filter_error() =>
        PropertyRunner.Check(
            FsCheck.Fluent.Gen.Select(
                FsCheck.Fluent.Gen.ArrayOf(
                    FsCheck.Fluent.Gen.Elements(
                        "userName",
                        " eq ",
                        " ne ",
                        " pr",
                        " and ",
                        " or ",
                        "not ",
                        "(",
                        ")",
                        "[",
                        "]",
                        "\"x\"",
                        "\"",
                        "42",
                        "true",
                        ".",
                        ":",
                        "emails",
                        "urn:a:b",
                        "\\",
                        " "
                    )
                ),
                parts => string.Concat(parts)
            ),
            cases: 3000,
            size: 30,
            text =>
            {
                try
                {
                    var tree = ScimFilterParser.Parse(text);
                    Assert.Equal(tree, ScimFilterParser.Parse(tree.ToString()));
                }
                catch (ScimException e)
                {
                    Assert.Equal(ScimErrorTypes.InvalidFilter, e.ScimType);
                }
            }
        );
}
