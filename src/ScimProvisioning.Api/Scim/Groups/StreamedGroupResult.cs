using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Api.Scim.Profiles;
using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Scim.Groups;

/// <summary>
/// A full <c>GET /Groups/{id}</c>, written while the members are read from the database: a 100,000-member group
/// never sits in memory as one document.
/// </summary>
public sealed class StreamedGroupResult(UserGroup group, IScimProfile profile, string baseUrl, ScimDbContext db, string? etag) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = ErrorResponses.ScimMediaType;
        if (etag is not null)
        {
            httpContext.Response.Headers.ETag = etag;
        }

        var resource = GroupResourceMapper.ToResource(group, profile, baseUrl, null);
        var meta = resource["meta"]!;
        resource.Remove("meta");
        await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter.AsStream());
        writer.WriteStartObject();
        foreach (var (key, value) in resource)
        {
            writer.WritePropertyName(key);
            value!.WriteTo(writer);
        }

        writer.WriteStartArray("members");
        var written = 0;
        var members = db
            .UserGroupMembers.AsNoTracking()
            .Where(m => m.UserGroupKey == group.Key)
            .OrderBy(m => m.UserKey)
            .Select(m => new GroupMemberView(m.User.Id, m.User.UserName))
            .AsAsyncEnumerable();
        await foreach (var member in members.WithCancellation(httpContext.RequestAborted))
        {
            writer.WriteStartObject();
            writer.WriteString("value", member.UserId);
            writer.WriteString("display", member.UserName);
            if (profile.LinksGroupMembers)
            {
                writer.WriteString("$ref", $"{baseUrl}/Users/{member.UserId}");
                writer.WriteString("type", "User");
            }

            writer.WriteEndObject();
            if (++written % 2000 == 0)
            {
                await writer.FlushAsync(httpContext.RequestAborted);
            }
        }

        writer.WriteEndArray();
        writer.WritePropertyName("meta");
        meta.WriteTo(writer);
        writer.WriteEndObject();
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
