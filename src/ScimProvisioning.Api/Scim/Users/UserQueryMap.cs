using System.Linq.Expressions;
using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Domain.Users;
using ScimProvisioning.Scim;
using ScimProvisioning.Scim.Filtering;

namespace ScimProvisioning.Api.Scim.Users;

/// <summary>Which column each filterable (and sortable) User attribute lives in, for <see cref="ScimFilterTranslator"/>.</summary>
public static class UserQueryMap
{
    private const string Enterprise = ScimSchemaUris.EnterpriseUser;

    private static ScimQueryMap<UserMultiValue> Values(bool caseExactValue) =>
        new ScimQueryMap<UserMultiValue>(ScimSchemaUris.User)
            .String("value", v => v.Value, caseExact: caseExactValue, foldedColumn: caseExactValue ? null : v => v.ValueKey)
            .String("type", v => v.Type)
            .String("display", v => v.Display)
            .Boolean("primary", v => v.Primary);

    private static readonly ScimQueryMap<UserMultiValue> Addresses = new ScimQueryMap<UserMultiValue>(ScimSchemaUris.User)
        .String("formatted", v => v.Formatted)
        .String("streetAddress", v => v.StreetAddress)
        .String("locality", v => v.Locality)
        .String("region", v => v.Region)
        .String("postalCode", v => v.PostalCode)
        .String("country", v => v.Country)
        .String("type", v => v.Type)
        .Boolean("primary", v => v.Primary);

    /// <summary><c>u => u.MultiValues.Where(v => v.Attribute == "phoneNumbers")</c>, with the name as a SQL literal.</summary>
    private static Expression<Func<User, IEnumerable<UserMultiValue>>> RowsOf(string attribute)
    {
        var user = Expression.Parameter(typeof(User), "u");
        var value = Expression.Parameter(typeof(UserMultiValue), "v");
        var isAttribute = Expression.Lambda<Func<UserMultiValue, bool>>(
            Expression.Equal(Expression.Property(value, nameof(UserMultiValue.Attribute)), Expression.Constant(attribute)),
            value
        );
        var where = Expression.Call(
            typeof(Enumerable),
            nameof(Enumerable.Where),
            [typeof(UserMultiValue)],
            Expression.Property(user, nameof(User.MultiValues)),
            isAttribute
        );
        return Expression.Lambda<Func<User, IEnumerable<UserMultiValue>>>(where, user);
    }

    public static ScimQueryMap<User> Instance { get; } =
        new ScimQueryMap<User>(ScimSchemaUris.User, Enterprise)
            .String("id", u => u.Id, caseExact: true)
            .String("externalId", u => u.ExternalId, caseExact: true)
            .String("userName", u => u.UserName, foldedColumn: u => u.UserNameKey)
            .String("displayName", u => u.DisplayName)
            .String("nickName", u => u.NickName)
            .String("title", u => u.Title)
            .String("userType", u => u.UserType)
            .String("preferredLanguage", u => u.PreferredLanguage)
            .String("locale", u => u.Locale)
            .String("timezone", u => u.Timezone)
            .String("profileUrl", u => u.ProfileUrl, caseExact: true)
            .String("name.formatted", u => u.FormattedName)
            .String("name.familyName", u => u.FamilyName)
            .String("name.givenName", u => u.GivenName)
            .String("name.middleName", u => u.MiddleName)
            .String("name.honorificPrefix", u => u.HonorificPrefix)
            .String("name.honorificSuffix", u => u.HonorificSuffix)
            .Boolean("active", u => u.Active)
            .String("meta.resourceType", u => "User", caseExact: true)
            .DateTime("meta.created", u => u.Created)
            .DateTime("meta.lastModified", u => u.LastModified)
            .String($"{Enterprise}:employeeNumber", u => u.EmployeeNumber)
            .String($"{Enterprise}:costCenter", u => u.CostCenter)
            .String($"{Enterprise}:organization", u => u.Organization)
            .String($"{Enterprise}:division", u => u.Division)
            .String($"{Enterprise}:department", u => u.Department)
            .String($"{Enterprise}:manager.value", u => u.ManagerId, caseExact: true)
            .String($"{Enterprise}:manager", u => u.ManagerId, caseExact: true)
            .Collection(
                "emails",
                u => u.Emails,
                new ScimQueryMap<UserEmail>(ScimSchemaUris.User)
                    .String("value", e => e.Value, foldedColumn: e => e.ValueKey)
                    .String("type", e => e.Type)
                    .String("display", e => e.Display)
                    .Boolean("primary", e => e.Primary)
            )
            .Collection("phoneNumbers", RowsOf("phoneNumbers"), Values(caseExactValue: false))
            .Collection("ims", RowsOf("ims"), Values(caseExactValue: false))
            .Collection("photos", RowsOf("photos"), Values(caseExactValue: true))
            .Collection("entitlements", RowsOf("entitlements"), Values(caseExactValue: false))
            .Collection("roles", RowsOf("roles"), Values(caseExactValue: false))
            .Collection("x509Certificates", RowsOf("x509Certificates"), Values(caseExactValue: true))
            .Collection("addresses", RowsOf("addresses"), Addresses)
            .Collection(
                "groups",
                u => u.GroupMemberships,
                new ScimQueryMap<UserGroupMember>(ScimSchemaUris.User)
                    .String("value", m => m.Group.Id, caseExact: true)
                    .String("display", m => m.Group.Name, foldedColumn: m => m.Group.NameKey)
            )
            // Sorting a multi-valued attribute sorts by its primary value (RFC 7644 §3.4.2.3).
            .SortKey(
                "emails",
                u => u.Emails.OrderByDescending(e => e.Primary).ThenBy(e => e.Position).Select(e => e.ValueKey).FirstOrDefault()
            )
            .SortKey(
                "emails.value",
                u => u.Emails.OrderByDescending(e => e.Primary).ThenBy(e => e.Position).Select(e => e.ValueKey).FirstOrDefault()
            );
}
