using System.Net;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Scim.Filtering;
using ScimProvisioning.Scim.Schemas;

namespace ScimProvisioning.Api.Tests.Standard;

/// <summary>
/// Differential property: over random users and random filters, the database's answer (the filter translated to SQL)
/// equals an independent in-memory evaluation of the same filter over the users' SCIM documents.
/// </summary>
public sealed class FilterDifferentialTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    private static readonly string[] Words = ["alpha", "Beta", "GAMMA", "delta", "é-acute", "zeta", "a_b", "Alpha"];
    private static readonly string[] Domains = ["corp.example", "Other.Example", "x.io"];

    private static ulong Seed => ulong.TryParse(Environment.GetEnvironmentVariable("SCIM_PROPERTY_SEED"), out var seed) ? seed : 20261129UL;

    private static Gen<JsonObject> UserGen(int index) =>
        from first in Gen.Elements(Words)
        from title in Gen.OneOf(Gen.Constant<string?>(null), Gen.Elements(Words).Select(w => (string?)w))
        from display in Gen.OneOf(Gen.Constant<string?>(null), Gen.Elements(Words).Select(w => (string?)(w + " " + w)))
        from active in Gen.Elements(true, false)
        from external in Gen.OneOf(Gen.Constant<string?>(null), Gen.Elements("EXT", "ext", "Ext-9").Select(e => (string?)e))
        from domain in Gen.Elements(Domains)
        from emailCount in Gen.Choose(0, 3)
        from types in Gen.ArrayOf(Gen.Elements("work", "home", "other"), emailCount)
        from locals in Gen.ArrayOf(Gen.Elements(Words), emailCount)
        select Build(index, first, title, display, active, external, domain, types, locals);

    private static JsonObject Build(
        int index,
        string first,
        string? title,
        string? display,
        bool active,
        string? external,
        string domain,
        string[] types,
        string[] locals
    )
    {
        var user = new JsonObject
        {
            ["userName"] = $"{first}{index}@{domain}",
            ["active"] = active,
            ["name"] = new JsonObject { ["givenName"] = first },
        };
        if (title is not null)
        {
            user["title"] = title;
        }

        if (display is not null)
        {
            user["displayName"] = display;
        }

        if (external is not null)
        {
            user["externalId"] = external;
        }

        if (types.Length > 0)
        {
            user["emails"] = new JsonArray(
                types.Select((t, i) => (JsonNode)new JsonObject { ["value"] = $"{locals[i]}{i}@{domain}", ["type"] = t }).ToArray()
            );
        }

        return user;
    }

    private static readonly Gen<string> Fragment = Gen.Elements(
        "alpha",
        "ALPHA",
        "beta",
        "a",
        "é",
        "corp",
        ".io",
        "Other",
        "EXT",
        "ext",
        "work",
        "HOME",
        "zeta",
        "a_b",
        "1@",
        "@x.io",
        "m"
    );

    private static readonly Gen<FilterNode> Leaf = Gen.OneOf(
        from attribute in Gen.Elements(
            "userName",
            "title",
            "displayName",
            "name.givenName",
            "externalId",
            "emails.value",
            "emails.type",
            "emails"
        )
        from op in Gen.Elements(
            ComparisonOperator.Eq,
            ComparisonOperator.Ne,
            ComparisonOperator.Co,
            ComparisonOperator.Sw,
            ComparisonOperator.Ew,
            ComparisonOperator.Gt,
            ComparisonOperator.Ge,
            ComparisonOperator.Lt,
            ComparisonOperator.Le,
            ComparisonOperator.Pr
        )
        from value in Fragment
        select (FilterNode)
            new ComparisonFilter(AttributePath.TryParse(attribute)!, op, op == ComparisonOperator.Pr ? null : FilterValue.String(value)),
        from op in Gen.Elements(ComparisonOperator.Eq, ComparisonOperator.Ne)
        from value in Gen.Elements(FilterValue.True, FilterValue.False)
        select (FilterNode)new ComparisonFilter(new AttributePath(null, "active"), op, value),
        from type in Gen.Elements("work", "HOME", "other")
        from op in Gen.Elements(ComparisonOperator.Co, ComparisonOperator.Sw, ComparisonOperator.Eq)
        from value in Fragment
        select (FilterNode)
            new ValuePathFilter(
                new AttributePath(null, "emails"),
                new LogicalFilter(
                    LogicalOperator.And,
                    new ComparisonFilter(new AttributePath(null, "type"), ComparisonOperator.Eq, FilterValue.String(type)),
                    new ComparisonFilter(new AttributePath(null, "value"), op, FilterValue.String(value))
                )
            )
    );

    private static Gen<FilterNode> Tree(int depth) =>
        depth == 0
            ? Leaf
            : Gen.OneOf(
                Leaf,
                from left in Tree(depth - 1)
                from right in Tree(depth - 1)
                from op in Gen.Elements(LogicalOperator.And, LogicalOperator.Or)
                select (FilterNode)new LogicalFilter(op, left, right),
                Tree(depth - 1).Select(inner => (FilterNode)new NotFilter(inner))
            );

    [Fact]
    public async Task Database_filtering_equals_the_in_memory_reference()
    {
        var account = await factory.CreateAccountAsync("reference.owner@corp.example");
        var users = Enumerable.Range(0, 40).Select(i => Gen.Sample(UserGen(i), 1, new Rnd(Seed + (ulong)i), 10)[0]).ToList();
        foreach (var user in users)
        {
            await (await account.PostAsync("/Users", user.ToJsonString())).AssertStatusAsync(HttpStatusCode.Created);
        }

        var stored = (await (await account.GetAsync("/Users?count=1000")).ReadJsonAsync())["Resources"]!
            .AsArray()
            .Cast<JsonObject>()
            .ToList();
        var definitions = CoreSchemas.User.Attributes.Concat(ScimResourceType.CommonAttributes).ToList();
        var filters = Gen.Sample(Tree(3), 250, new Rnd(Seed), 10); // (generator, numberOfSamples, seed, size)
        Assert.Equal(250, filters.Length);
        var matchedSomething = 0;
        for (var i = 0; i < filters.Length; i++)
        {
            var filter = filters[i];
            var expected = stored
                .Where(u => JsonFilterEvaluator.Matches(u, filter, definitions))
                .Select(u => u["id"]!.GetValue<string>())
                .Order(StringComparer.Ordinal)
                .ToList();
            var response = await account.GetAsync("/Users?count=1000&filter=" + Uri.EscapeDataString(filter.ToString()));
            var body = await response.AssertStatusAsync(HttpStatusCode.OK);
            var actual = body["Resources"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
            Assert.True(
                expected.SequenceEqual(actual),
                $"case {i + 1} (SCIM_PROPERTY_SEED={Seed}): {filter}\nreference: {expected.Count} users, database: {actual.Count} users"
            );
            matchedSomething += actual.Count is > 0 and < 41 ? 1 : 0;
        }

        Assert.True(matchedSomething > 50, $"the generated filters should select proper subsets often; {matchedSomething} of 250 did");
    }
}
