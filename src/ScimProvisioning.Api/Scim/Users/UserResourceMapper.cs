using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Scim.Profiles;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Users;
using ScimProvisioning.Scim;

namespace ScimProvisioning.Api.Scim.Users;

/// <summary>
/// Translates between the User entity and its SCIM document (canonical attribute names, enterprise extension under
/// its URN). The only place that knows which column holds which SCIM attribute.
/// </summary>
public static class UserResourceMapper
{
    /// <summary>The multi-valued attributes kept in <see cref="UserMultiValue"/> rows.</summary>
    public static readonly string[] MultiValuedAttributes =
    [
        "phoneNumbers",
        "ims",
        "photos",
        "addresses",
        "entitlements",
        "roles",
        "x509Certificates",
    ];

    /// <summary>Every stored attribute, as the PATCH engine sees it (no meta, no groups, never the password).</summary>
    public static JsonObject ToDocument(User user)
    {
        var document = new JsonObject { ["schemas"] = new JsonArray(ScimSchemaUris.User), ["id"] = user.Id };
        Set(document, "externalId", user.ExternalId);
        document["userName"] = user.UserName;
        var name = new JsonObject();
        Set(name, "formatted", user.FormattedName);
        Set(name, "familyName", user.FamilyName);
        Set(name, "givenName", user.GivenName);
        Set(name, "middleName", user.MiddleName);
        Set(name, "honorificPrefix", user.HonorificPrefix);
        Set(name, "honorificSuffix", user.HonorificSuffix);
        if (name.Count > 0)
        {
            document["name"] = name;
        }

        Set(document, "displayName", user.DisplayName);
        Set(document, "nickName", user.NickName);
        Set(document, "profileUrl", user.ProfileUrl);
        Set(document, "title", user.Title);
        Set(document, "userType", user.UserType);
        Set(document, "preferredLanguage", user.PreferredLanguage);
        Set(document, "locale", user.Locale);
        Set(document, "timezone", user.Timezone);
        document["active"] = user.Active;
        if (user.Emails.Count > 0)
        {
            document["emails"] = new JsonArray(
                user.Emails.OrderBy(e => e.Position)
                    .Select(e =>
                    {
                        var email = new JsonObject { ["value"] = e.Value };
                        Set(email, "display", e.Display);
                        Set(email, "type", e.Type);
                        if (e.Primary || e.PrimarySent)
                        {
                            email["primary"] = e.Primary;
                        }

                        return (JsonNode)email;
                    })
                    .ToArray()
            );
        }

        foreach (var attribute in user.MultiValues.OrderBy(v => v.Position).GroupBy(v => v.Attribute))
        {
            document[attribute.Key] = new JsonArray(attribute.Select(v => (JsonNode)ToJson(v)).ToArray());
        }

        var enterprise = new JsonObject();
        Set(enterprise, "employeeNumber", user.EmployeeNumber);
        Set(enterprise, "costCenter", user.CostCenter);
        Set(enterprise, "organization", user.Organization);
        Set(enterprise, "division", user.Division);
        Set(enterprise, "department", user.Department);
        if (user.ManagerId is not null)
        {
            enterprise["manager"] = new JsonObject { ["value"] = user.ManagerId };
        }

        if (enterprise.Count > 0)
        {
            document[ScimSchemaUris.EnterpriseUser] = enterprise;
            document["schemas"] = new JsonArray(ScimSchemaUris.User, ScimSchemaUris.EnterpriseUser);
        }

        return document;
    }

    /// <summary>The resource a client reads: the document plus groups and meta, shaped for the running profile.</summary>
    public static JsonObject ToResource(User user, IScimProfile profile, string baseUrl, IReadOnlyList<(string Id, string Display)> groups)
    {
        var resource = ToDocument(user);
        var location = $"{baseUrl}/Users/{user.Id}";
        profile.ShapeUser(resource, user, groups, baseUrl);

        if (resource[ScimSchemaUris.EnterpriseUser]?["manager"] is JsonObject manager && manager["value"] is JsonValue managerId)
        {
            manager["$ref"] = $"{baseUrl}/Users/{managerId.GetValue<string>()}";
        }

        var meta = new JsonObject
        {
            ["resourceType"] = "User",
            ["created"] = Timestamp(user.Created),
            ["lastModified"] = Timestamp(user.LastModified),
            ["location"] = location,
        };
        if (ScimETags.Of(profile, user.Version) is { } version)
        {
            meta["version"] = version;
        }

        resource["meta"] = meta;
        return resource;
    }

    public static string Timestamp(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes a canonical document onto the entity, replacing every mutable attribute (RFC 7644 §3.5.1 replace).
    /// <paramref name="defaultActive"/> is used when the document has no <c>active</c>.
    /// </summary>
    public static void Apply(JsonObject document, User user, bool defaultActive)
    {
        user.SetUserName(Text(document, "userName") ?? "");
        user.ExternalId = Text(document, "externalId");
        var name = document["name"] as JsonObject;
        user.FormattedName = Text(name, "formatted");
        user.FamilyName = Text(name, "familyName");
        user.GivenName = Text(name, "givenName");
        user.MiddleName = Text(name, "middleName");
        user.HonorificPrefix = Text(name, "honorificPrefix");
        user.HonorificSuffix = Text(name, "honorificSuffix");
        user.DisplayName = Text(document, "displayName");
        user.NickName = Text(document, "nickName");
        user.ProfileUrl = Text(document, "profileUrl");
        user.Title = Text(document, "title");
        user.UserType = Text(document, "userType");
        user.PreferredLanguage = Text(document, "preferredLanguage");
        user.Locale = Text(document, "locale");
        user.Timezone = Text(document, "timezone");
        user.Active = document["active"] is JsonValue active ? active.GetValue<bool>() : defaultActive;
        // The same password again is no change (the stored hash is salted, so it is verified, not compared).
        if (
            Text(document, "password") is { Length: > 0 } password
            && (user.PasswordHash is null || !PasswordHashing.Verify(password, user.PasswordHash))
        )
        {
            user.PasswordHash = PasswordHashing.Hash(password);
        }

        ApplyEmails(document["emails"] as JsonArray, user);

        ApplyMultiValues(document, user);

        var enterprise = document[ScimSchemaUris.EnterpriseUser] as JsonObject;
        user.EmployeeNumber = Text(enterprise, "employeeNumber");
        user.CostCenter = Text(enterprise, "costCenter");
        user.Organization = Text(enterprise, "organization");
        user.Division = Text(enterprise, "division");
        user.Department = Text(enterprise, "department");
        user.ManagerId = Text(enterprise?["manager"] as JsonObject, "value");
    }

    /// <summary>
    /// Cloudflare's PATCH changes only userName, name.givenName, name.familyName and active; the primary email follows
    /// userName (Cloudflare keeps exactly one primary email equal to it).
    /// </summary>
    public static void ApplyCloudflarePatch(JsonObject document, User user)
    {
        var userName = Text(document, "userName");
        if (!string.IsNullOrEmpty(userName) && userName != user.UserName)
        {
            user.SetUserName(userName);
            var primary = user.Emails.FirstOrDefault(e => e.Primary) ?? user.Emails.FirstOrDefault();
            if (primary is null)
            {
                user.Emails.Add(
                    new UserEmail
                    {
                        Value = userName,
                        Type = "work",
                        Primary = true,
                    }
                );
            }
            else
            {
                primary.Value = userName;
            }
        }

        var name = document["name"] as JsonObject;
        user.GivenName = Text(name, "givenName");
        user.FamilyName = Text(name, "familyName");
        user.Active = document["active"] is JsonValue active ? active.GetValue<bool>() : user.Active;
    }

    private static JsonObject ToJson(UserMultiValue value)
    {
        var json = new JsonObject();
        Set(json, "value", value.Value);
        Set(json, "display", value.Display);
        Set(json, "formatted", value.Formatted);
        Set(json, "streetAddress", value.StreetAddress);
        Set(json, "locality", value.Locality);
        Set(json, "region", value.Region);
        Set(json, "postalCode", value.PostalCode);
        Set(json, "country", value.Country);
        Set(json, "type", value.Type);
        if (value.Primary || value.PrimarySent)
        {
            json["primary"] = value.Primary;
        }

        return json;
    }

    /// <summary>Rewrites the other multi-valued attributes' rows, only when they changed.</summary>
    private static void ApplyMultiValues(JsonObject document, User user)
    {
        var wanted = new List<UserMultiValue>();
        foreach (var attribute in MultiValuedAttributes)
        {
            if (document[attribute] is not JsonArray values)
            {
                continue;
            }

            foreach (var item in values.OfType<JsonObject>())
            {
                var value = Text(item, "value");
                wanted.Add(
                    new UserMultiValue
                    {
                        Attribute = attribute,
                        Position = wanted.Count,
                        Value = value,
                        ValueKey = value is null ? null : Identifiers.NormalizeKey(value),
                        Type = Text(item, "type"),
                        Display = Text(item, "display"),
                        Primary = item["primary"] is JsonValue p && p.GetValue<bool>(),
                        PrimarySent = item["primary"] is JsonValue,
                        Formatted = Text(item, "formatted"),
                        StreetAddress = Text(item, "streetAddress"),
                        Locality = Text(item, "locality"),
                        Region = Text(item, "region"),
                        PostalCode = Text(item, "postalCode"),
                        Country = Text(item, "country"),
                    }
                );
            }
        }

        var current = user.MultiValues.OrderBy(v => v.Position).Select(v => ToJson(v).ToJsonString() + v.Attribute);
        if (current.SequenceEqual(wanted.Select(v => ToJson(v).ToJsonString() + v.Attribute), StringComparer.Ordinal))
        {
            return;
        }

        user.MultiValues.Clear();
        user.MultiValues.AddRange(wanted);
    }

    private static void ApplyEmails(JsonArray? emails, User user)
    {
        var wanted = (emails ?? [])
            .OfType<JsonObject>()
            .Select(e =>
                (
                    Value: Text(e, "value"),
                    Type: Text(e, "type"),
                    Display: Text(e, "display"),
                    Primary: e["primary"] is JsonValue p && p.GetValue<bool>(),
                    PrimarySent: e["primary"] is JsonValue
                )
            )
            .Where(e => !string.IsNullOrEmpty(e.Value))
            .ToList();
        var unchanged =
            wanted.Count == user.Emails.Count
            && wanted
                .Zip(user.Emails.OrderBy(e => e.Position))
                .All(pair =>
                    pair.First.Value == pair.Second.Value
                    && pair.First.Type == pair.Second.Type
                    && pair.First.Display == pair.Second.Display
                    && pair.First.Primary == pair.Second.Primary
                    && pair.First.PrimarySent == pair.Second.PrimarySent
                );
        if (unchanged)
        {
            return;
        }

        user.Emails.Clear();
        foreach (var email in wanted)
        {
            user.Emails.Add(
                new UserEmail
                {
                    Value = email.Value!,
                    Type = email.Type,
                    Display = email.Display,
                    Primary = email.Primary,
                    PrimarySent = email.PrimarySent,
                    ValueKey = Identifiers.NormalizeKey(email.Value!),
                }
            );
        }
    }

    /// <summary>The primary email: the one marked primary, else the only one.</summary>
    public static string? PrimaryEmail(JsonObject document) =>
        document["emails"] is JsonArray emails
            ? emails
                .OfType<JsonObject>()
                .Where(e => e["primary"] is JsonValue p && p.GetValue<bool>())
                .Select(e => Text(e, "value"))
                .FirstOrDefault()
                ?? (emails.Count == 1 && emails[0] is JsonObject only ? Text(only, "value") : null)
            : null;

    private static void Set(JsonObject target, string name, string? value)
    {
        if (value is not null)
        {
            target[name] = value;
        }
    }

    private static string? Text(JsonObject? source, string name) => ScimProvisioning.Scim.Serialization.JsonText.Of(source, name);
}
