using FsCheck;
using FsCheck.Fluent;
using ScimProvisioning.Scim.Filtering;

namespace ScimProvisioning.Scim.Tests.Properties;

/// <summary>Random filter trees: every operator, nesting, value paths, URN-qualified paths, every value kind.</summary>
public static class FilterGenerators
{
    private static readonly string[] Names = ["userName", "title", "displayName", "emails", "name", "active", "externalId", "meta"];
    private static readonly string[] Subs = ["value", "type", "givenName", "created", "primary"];
    private static readonly ComparisonOperator[] Operators = Enum.GetValues<ComparisonOperator>();

    private static Gen<string> Text { get; } =
        Gen.ArrayOf(
                Gen.Elements(
                    "a",
                    "B",
                    "z",
                    "0",
                    " ",
                    "\"",
                    "\\",
                    "/",
                    "é",
                    "ü",
                    "'",
                    "@",
                    ".",
                    "(",
                    ")",
                    "[",
                    "]",
                    "and",
                    "or",
                    "\n",
                    "\u2603"
                )
            )
            .Select(parts => string.Concat(parts));

    private static Gen<FilterValue> Value { get; } =
        Gen.OneOf(
            Text.Select(FilterValue.String),
            Gen.Choose(-1000, 1000)
                .Select(n => new FilterValue(FilterValueKind.Number, n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            Gen.Elements("1.5", "-0.25", "42.0").Select(n => new FilterValue(FilterValueKind.Number, n)),
            Gen.Elements(FilterValue.True, FilterValue.False, FilterValue.Null)
        );

    private static Gen<AttributePath> Path(bool relative) =>
        from name in Gen.Elements(Names)
        from sub in Gen.OneOf(Gen.Constant<string?>(null), Gen.Elements(Subs).Select(s => (string?)s))
        from qualified in relative ? Gen.Constant(false) : Gen.Elements(false, false, true)
        select new AttributePath(qualified ? ScimSchemaUris.User : null, name, sub);

    private static Gen<FilterNode> Comparison(bool relative) =>
        from path in Path(relative)
        from op in Gen.Elements(Operators)
        from value in Value
        select (FilterNode)new ComparisonFilter(path, op, op == ComparisonOperator.Pr ? null : value);

    public static Gen<FilterNode> Filter => Gen.Sized(size => Tree(size, relative: false));

    private static Gen<FilterNode> Tree(int size, bool relative)
    {
        if (size <= 1)
        {
            return Comparison(relative);
        }

        var smaller = Tree(size / 2, relative);
        var options = new List<Gen<FilterNode>>
        {
            Comparison(relative),
            from left in smaller
            from right in smaller
            from op in Gen.Elements(LogicalOperator.And, LogicalOperator.Or)
            select (FilterNode)new LogicalFilter(op, left, right),
            smaller.Select(inner => (FilterNode)new NotFilter(inner)),
        };
        if (!relative)
        {
            options.Add(
                from name in Gen.Elements("emails", "addresses", "members")
                from inner in Tree(size / 2, relative: true)
                select (FilterNode)new ValuePathFilter(new AttributePath(null, name), inner)
            );
        }

        return Gen.OneOf(options);
    }
}
