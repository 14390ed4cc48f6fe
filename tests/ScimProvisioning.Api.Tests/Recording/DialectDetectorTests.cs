using System.Text.Json.Nodes;
using ScimProvisioning.Api.Recording;

namespace ScimProvisioning.Api.Tests.Recording;

/// <summary>What each IdP sends (../shared/reference/idps.md) is recognised, with the reasons an IdP admin reads.</summary>
public sealed class DialectDetectorTests
{
    [Fact]
    public void Okta_is_known_by_its_user_agent()
    {
        var verdict = DialectDetector.Detect("Okta SCIM Client 1.0.0", "filter=userName%20eq%20%22a%40b%22&startIndex=1&count=100", null);

        Assert.Equal(IdpDialect.Okta, verdict.Dialect);
        Assert.Contains("Okta SCIM Client 1.0.0", Assert.Single(verdict.Reasons));
    }

    [Fact]
    public void Authentik_is_known_by_its_user_agent()
    {
        var verdict = DialectDetector.Detect("authentik@2025.10.1", null, JsonNode.Parse("""{"userName":"bob"}"""));

        Assert.Equal(IdpDialect.Authentik, verdict.Dialect);
    }

    [Fact]
    public void Entras_default_patch_is_known_by_its_capitalised_ops_and_string_booleans()
    {
        var body = JsonNode.Parse(
            """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active",
            "value":"False"}]}
            """
        );

        var verdict = DialectDetector.Detect(null, null, body);

        Assert.Equal(IdpDialect.Entra, verdict.Dialect);
        Assert.Equal(2, verdict.Reasons.Count);
    }

    [Fact]
    public void Entra_with_the_compatibility_flag_is_known_by_the_flag_or_the_dotted_path_less_replace()
    {
        var body = JsonNode.Parse("""{"Operations":[{"op":"replace","value":{"name.givenName":"K","displayName":"B"}}]}""");

        Assert.Equal(IdpDialect.EntraCompat, DialectDetector.Detect(null, null, body).Dialect);
        Assert.Equal(IdpDialect.EntraCompat, DialectDetector.Detect(null, "aadOptscim062020", null).Dialect);
    }

    [Fact]
    public void Entras_group_schema_names_entra()
    {
        var body = JsonNode.Parse(
            """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group",
             "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],"displayName":"G"}
            """
        );

        Assert.Equal(IdpDialect.Entra, DialectDetector.Detect(null, null, body).Dialect);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("curl/8.5.0")]
    public void Anything_else_is_unknown_and_says_why(string? agent)
    {
        var verdict = DialectDetector.Detect(
            agent,
            null,
            JsonNode.Parse("""{"Operations":[{"op":"replace","path":"title","value":"x"}]}""")
        );

        Assert.Equal(IdpDialect.Unknown, verdict.Dialect);
        Assert.Contains("no", Assert.Single(verdict.Reasons), StringComparison.Ordinal);
    }
}
