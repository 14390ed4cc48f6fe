using ScimProvisioning.Api.Scim.Profiles;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Filtering;

namespace ScimProvisioning.Api.Scim;

/// <summary>Parses a list's <c>filter</c> within the configured limits and the running profile's dialect.</summary>
public static class ScimFilters
{
    public static FilterNode Parse(string text, ScimContext scim, FilterTarget target)
    {
        if (text.Length > scim.Options.MaxFilterLength)
        {
            throw ScimException.InvalidFilter($"The filter is longer than the maximum of {scim.Options.MaxFilterLength} characters.");
        }

        var filter = ScimFilterParser.Parse(text, scim.Options.MaxFilterDepth);
        scim.Profile.CheckFilter(filter, text, target);
        return filter;
    }

    public static string Truncate(string text) => text.Length <= 100 ? text : text[..100] + "…";
}
