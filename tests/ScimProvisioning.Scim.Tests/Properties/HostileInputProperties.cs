using System.Text;
using System.Text.Json.Nodes;
using FsCheck.Fluent;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Filtering;
using ScimProvisioning.Scim.Patching;
using ScimProvisioning.Scim.Schemas;
using ScimProvisioning.Scim.Serialization;

namespace ScimProvisioning.Scim.Tests.Properties;

/// <summary>The parsers and the PATCH engine either succeed or raise a SCIM error — never anything else.</summary>
public sealed class HostileInputProperties
{
    [Fact]
    public void Random_documents_parse_and_canonicalize_or_raise_a_scim_error()
    {
        var parsed = 0;
        PropertyRunner.Check(
            HostileInputGenerators.Document,
            cases: 3000,
            size: 20,
            text =>
            {
                var node = OnlyScimErrors(() => ScimDocument.Parse(Encoding.UTF8.GetBytes(text)));
                if (node is not null)
                {
                    parsed++;
                    OnlyScimErrors(() => ScimDocument.Canonicalize(CoreSchemas.UserResource, node.DeepClone()));
                    OnlyScimErrors(() => ScimDocument.Canonicalize(CoreSchemas.GroupResource, node.DeepClone()));
                }
            }
        );
        Assert.True(parsed > 1500, $"most generated documents should be well-formed JSON; {parsed} of 3000 were");
    }

    [Fact]
    public void Random_bytes_are_valid_json_or_invalid_syntax() =>
        PropertyRunner.Check(
            Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)),
            cases: 2000,
            size: 64,
            bytes => OnlyScimErrors(() => ScimDocument.Parse(bytes))
        );

    [Fact]
    public void Random_patch_documents_apply_or_raise_a_scim_error()
    {
        var applied = 0;
        PropertyRunner.Check(
            HostileInputGenerators.PatchDocument,
            cases: 3000,
            size: 20,
            text =>
            {
                var user = JsonNode
                    .Parse(
                        """
                        {"userName":"p@example.com","name":{"givenName":"P","familyName":"Q"},"title":"t","active":true,
                         "emails":[{"value":"p@example.com","type":"work","primary":true}]}
                        """
                    )!
                    .AsObject();
                OnlyScimErrors(() =>
                {
                    var operations = PatchOperation.ReadRequest(ScimDocument.Parse(Encoding.UTF8.GetBytes(text)), maxOperations: 1000);
                    new ScimPatchEngine(CoreSchemas.UserResource).Apply(user, operations);
                    applied++;
                    return user;
                });
            }
        );
        Assert.True(applied > 100, $"some generated PATCH documents should apply; {applied} of 3000 did");
    }

    [Fact]
    public void Random_filter_text_parses_or_is_an_invalid_filter() =>
        PropertyRunner.Check(
            HostileInputGenerators.FilterText,
            cases: 3000,
            size: 20,
            text =>
            {
                try
                {
                    ScimFilterParser.Parse(text);
                }
                catch (ScimException e)
                {
                    Assert.Equal(400, e.Status);
                    Assert.Equal(ScimErrorTypes.InvalidFilter, e.ScimType);
                }
            }
        );

    private static T? OnlyScimErrors<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (ScimException e)
        {
            Assert.InRange(e.Status, 400, 499);
            Assert.False(string.IsNullOrWhiteSpace(e.Detail));
            return default;
        }
    }
}
