using ScimProvisioning.Domain.Users;
using ScimProvisioning.Scim;
using ScimProvisioning.Scim.Filtering;

namespace ScimProvisioning.Api.Scim.Users;

/// <summary>Which column each filterable User attribute lives in (for <see cref="ScimFilterTranslator"/>).</summary>
public static class UserQueryMap
{
    public static ScimQueryMap<User> Instance { get; } = new ScimQueryMap<User>(ScimSchemaUris.User, ScimSchemaUris.EnterpriseUser)
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
        .DateTime("meta.created", u => u.Created)
        .DateTime("meta.lastModified", u => u.LastModified)
        .String($"{ScimSchemaUris.EnterpriseUser}:employeeNumber", u => u.EmployeeNumber)
        .String($"{ScimSchemaUris.EnterpriseUser}:costCenter", u => u.CostCenter)
        .String($"{ScimSchemaUris.EnterpriseUser}:organization", u => u.Organization)
        .String($"{ScimSchemaUris.EnterpriseUser}:division", u => u.Division)
        .String($"{ScimSchemaUris.EnterpriseUser}:department", u => u.Department)
        .String($"{ScimSchemaUris.EnterpriseUser}:manager.value", u => u.ManagerId, caseExact: true)
        .String($"{ScimSchemaUris.EnterpriseUser}:manager", u => u.ManagerId, caseExact: true)
        .Collection("emails", u => u.Emails, new ScimQueryMap<UserEmail>(ScimSchemaUris.User)
            .String("value", e => e.Value, foldedColumn: e => e.ValueKey)
            .String("type", e => e.Type)
            .String("display", e => e.Display)
            .Boolean("primary", e => e.Primary));
}
