using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Filtering;

namespace ScimProvisioning.Api.Scim;

/// <summary>Parses a list's <c>filter</c> within the configured limits and the running profile's dialect.</summary>
public static class ScimFilters
{
    /// <param name="cloudflareAttribute">The one attribute Cloudflare filters this resource by, with <c>eq</c> only.</param>
    public static FilterNode Parse(string text, ScimContext scim, string coreSchema, string cloudflareAttribute, string endpoint)
    {
        if (text.Length > scim.Options.MaxFilterLength)
        {
            throw ScimException.InvalidFilter($"The filter is longer than the maximum of {scim.Options.MaxFilterLength} characters.");
        }

        var filter = ScimFilterParser.Parse(text, scim.Options.MaxFilterDepth);
        if (scim.Profile == ScimProfile.Cloudflare)
        {
            var supported = filter is ComparisonFilter { Operator: ComparisonOperator.Eq, Value.Kind: FilterValueKind.String, Path.SubAttribute: null } comparison &&
                string.Equals(comparison.Path.Name, cloudflareAttribute, StringComparison.OrdinalIgnoreCase) &&
                (comparison.Path.SchemaUri is null || string.Equals(comparison.Path.SchemaUri, coreSchema, StringComparison.OrdinalIgnoreCase));
            if (!supported)
            {
                throw ScimException.InvalidFilter(
                    $"Cloudflare supports only filter={cloudflareAttribute} eq \"…\" on {endpoint}; '{Truncate(text)}' is not supported (set Scim:Profile=Standard for the full filter language).");
            }
        }

        return filter;
    }

    public static string Truncate(string text) => text.Length <= 100 ? text : text[..100] + "…";
}
