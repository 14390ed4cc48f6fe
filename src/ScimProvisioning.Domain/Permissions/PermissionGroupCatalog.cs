namespace ScimProvisioning.Domain.Permissions;

/// <summary>
/// Cloudflare's role catalogue with the real role names (developers.cloudflare.com, "Roles"). Super Administrator
/// keeps the id Cloudflare documents; every other id is derived from the role's name, so it is the same on every
/// install.
/// </summary>
public static class PermissionGroupCatalog
{
    public const string SuperAdministratorId = "33666b9c79b9a5273fc7344ff42f953d";
    public const string SuperAdministratorName = "Super Administrator - All Privileges";
    public const string MinimalAccountAccessName = "Minimal Account Access";

    public static IReadOnlyList<PermissionGroup> All { get; } = Build();

    private static readonly Dictionary<string, PermissionGroup> ById = All.ToDictionary(p => p.Id, StringComparer.Ordinal);

    public static PermissionGroup SuperAdministrator => ById[SuperAdministratorId];

    public static PermissionGroup MinimalAccountAccess { get; } = All.Single(p => p.Name == MinimalAccountAccessName);

    public static PermissionGroup? Find(string id) => ById.GetValueOrDefault(id);

    public static string IdFor(string name) =>
        name == SuperAdministratorName ? SuperAdministratorId : Identifiers.StableTag("cloudflare-permission-group:" + name);

    private static List<PermissionGroup> Build()
    {
        var roles = new List<PermissionGroup>();
        void Add(ScopeKind scope, string name, string description) => roles.Add(new PermissionGroup(IdFor(name), name, scope, description));
        Add(
            ScopeKind.Account,
            "Super Administrator - All Privileges",
            "Everything: settings, purchases, billing, member management and account-owned tokens."
        );
        Add(
            ScopeKind.Account,
            "Administrator",
            "Full account access including subscriptions; cannot manage members or the billing profile."
        );
        Add(ScopeKind.Account, "Administrator Read Only", "Read-only access to the whole account.");
        Add(ScopeKind.Account, "Minimal Account Access", "Can see the account and nothing more; every member holds it.");
        Add(ScopeKind.Account, "Analytics", "Read analytics.");
        Add(ScopeKind.Account, "API Gateway", "Full access to API Gateway, including API Shield, for all domains.");
        Add(ScopeKind.Account, "API Gateway Read", "Read access to API Gateway for all domains.");
        Add(ScopeKind.Account, "Audit Logs Viewer", "View audit logs.");
        Add(ScopeKind.Account, "Bot Management (Account-wide)", "Edit Bot Management and Super Bot Fight Mode for all domains.");
        Add(ScopeKind.Account, "Billing", "Edit the billing profile and subscriptions.");
        Add(ScopeKind.Account, "Cache Purge", "Purge the edge cache; read zone settings.");
        Add(ScopeKind.Account, "Cloudflare Access", "Edit Access and Cloudflare Tunnel.");
        Add(ScopeKind.Account, "Cloudflare CASB", "Edit CASB.");
        Add(ScopeKind.Account, "Cloudflare CASB Read", "Read CASB.");
        Add(ScopeKind.Account, "Cloudflare DEX", "Edit Digital Experience Monitoring.");
        Add(ScopeKind.Account, "Cloudflare Gateway", "Edit Gateway; read Access.");
        Add(ScopeKind.Account, "Cloudflare Images", "Access Images data.");
        Add(ScopeKind.Account, "Cloudflare R2 Admin", "Edit R2 buckets, objects and configuration.");
        Add(ScopeKind.Account, "Cloudflare R2 Read", "Read R2 buckets, objects and configuration.");
        Add(ScopeKind.Account, "Cloudflare Stream", "Edit Stream media.");
        Add(ScopeKind.Account, "Cloudflare Zero Trust", "Administer all Zero Trust products.");
        Add(
            ScopeKind.Account,
            "Cloudflare Zero Trust DNS Locations Write",
            "View Gateway DNS locations; create and edit secure DNS locations."
        );
        Add(ScopeKind.Account, "Cloudflare Zero Trust PII", "Access Zero Trust personal data.");
        Add(ScopeKind.Account, "Cloudflare Zero Trust Read Only", "Read-only access to Zero Trust.");
        Add(ScopeKind.Account, "Cloudflare Zero Trust Reporting", "Zero Trust reporting data.");
        Add(ScopeKind.Account, "DNS", "Edit DNS records.");
        Add(ScopeKind.Account, "Email Configuration Admin", "Email security administration without reading or acting on emails.");
        Add(ScopeKind.Account, "Email Integration Admin", "Read and write Email security integrations only.");
        Add(ScopeKind.Account, "Email security Analyst", "Act on and read emails.");
        Add(ScopeKind.Account, "Email security Read Only", "Read-only access to all of Email security.");
        Add(ScopeKind.Account, "Email security Reporting", "Read Email security metrics.");
        Add(
            ScopeKind.Account,
            "Email security Policy Admin",
            "Read all settings; write allow policies, trusted domains and blocked senders."
        );
        Add(ScopeKind.Account, "Firewall", "Edit WAF, IP Access rules, Zone Lockdown and Cache Rules.");
        Add(ScopeKind.Account, "Load Balancer", "Edit load balancers, pools, origins and health checks.");
        Add(ScopeKind.Account, "Log Share", "Edit Log Share configuration.");
        Add(ScopeKind.Account, "Log Share Reader", "Read Log Share configuration.");
        Add(ScopeKind.Account, "Magic Network Monitoring", "View and edit Magic Network Monitoring configuration.");
        Add(ScopeKind.Account, "Magic Network Monitoring Admin", "Full control of Magic Network Monitoring configuration.");
        Add(ScopeKind.Account, "Magic Network Monitoring Read-Only", "View Magic Network Monitoring configuration.");
        Add(ScopeKind.Account, "Network Services Write (Magic)", "Write Magic network configuration.");
        Add(ScopeKind.Account, "Network Services Read (Magic)", "Read Magic network configuration.");
        Add(ScopeKind.Account, "Page Shield", "Write Page Shield account-wide.");
        Add(ScopeKind.Account, "Page Shield Read", "Read Page Shield account-wide.");
        Add(ScopeKind.Account, "Hyperdrive Read", "Read Hyperdrive configurations.");
        Add(ScopeKind.Account, "Hyperdrive Admin", "Write Hyperdrive configurations.");
        Add(ScopeKind.Account, "SSL/TLS, Caching, Performance, Page Rules, and Customization", "Most settings except DNS and Firewall.");
        Add(ScopeKind.Account, "Secrets Store Admin", "Manage secrets metadata and bind secrets.");
        Add(ScopeKind.Account, "Secrets Store Deployer", "View secrets metadata and bind secrets.");
        Add(ScopeKind.Account, "Secrets Store Reporter", "View secrets metadata.");
        Add(ScopeKind.Account, "Security Center Brand Protection", "Brand Protection and Investigate.");
        Add(ScopeKind.Account, "Security Center Cloudforce One Admin", "Write Cloudforce One.");
        Add(ScopeKind.Account, "Security Center Cloudforce One Read", "Read Cloudforce One.");
        Add(ScopeKind.Account, "Trust and Safety", "Trust and safety services.");
        Add(ScopeKind.Account, "Turnstile", "Full access to Turnstile.");
        Add(ScopeKind.Account, "Turnstile Read", "Read Turnstile.");
        Add(ScopeKind.Account, "Vectorize Admin", "Edit Vectorize.");
        Add(ScopeKind.Account, "Vectorize Read only", "Read Vectorize.");
        Add(ScopeKind.Account, "Waiting Room Admin", "Edit Waiting Room.");
        Add(ScopeKind.Account, "Waiting Room Read", "Read Waiting Room.");
        Add(ScopeKind.Account, "Workers Platform Admin", "Edit and read Workers, Pages, Durable Objects, KV, R2 and related settings.");
        Add(ScopeKind.Account, "Workers Platform (Read-only)", "Read-only access to the Workers platform.");
        Add(ScopeKind.Account, "Connectivity Directory Read", "View Workers VPC services.");
        Add(ScopeKind.Account, "Connectivity Directory Bind", "Bind Workers VPC services.");
        Add(ScopeKind.Account, "Connectivity Directory Admin", "Manage Workers VPC services and tunnels.");
        Add(ScopeKind.Account, "Zaraz Admin", "Edit and publish Zaraz.");
        Add(ScopeKind.Account, "Zaraz Edit", "Edit Zaraz.");
        Add(ScopeKind.Account, "Zaraz Read", "Read Zaraz.");
        Add(ScopeKind.Account, "Zone Versioning (Account-Wide)", "Edit Zone Versioning for all domains.");
        Add(ScopeKind.Account, "Zone Versioning Read (Account-Wide)", "View Zone Versioning for all domains.");
        Add(ScopeKind.Account, "API Token Provisioning", "Create account API tokens limited to the creator's own permissions.");
        Add(ScopeKind.Domain, "Bot Management", "Edit Bot Management for the domain.");
        Add(ScopeKind.Domain, "Cache Domain Purge", "Purge the cache of the domain.");
        Add(ScopeKind.Domain, "Domain Administrator", "Full access to the domain; read-only on account-wide Firewall, Access and Workers.");
        Add(ScopeKind.Domain, "Domain Administrator Read Only", "Read-only access to the domain.");
        Add(ScopeKind.Domain, "Domain API Gateway", "Full access to API Gateway for the domain.");
        Add(ScopeKind.Domain, "Domain API Gateway Read", "Read API Gateway for the domain.");
        Add(ScopeKind.Domain, "Domain DNS", "Edit DNS records of the domain.");
        Add(ScopeKind.Domain, "Domain Page Shield", "Write Page Shield for the domain.");
        Add(ScopeKind.Domain, "Domain Page Shield Read", "Read Page Shield for the domain.");
        Add(ScopeKind.Domain, "Domain Waiting Room Admin", "Edit Waiting Room for the domain.");
        Add(ScopeKind.Domain, "Domain Waiting Room Read", "Read Waiting Room for the domain.");
        Add(ScopeKind.Domain, "Zone Versioning", "Edit Zone Versioning for the domain.");
        Add(ScopeKind.Domain, "Zone Versioning Read", "View Zone Versioning for the domain.");
        Add(ScopeKind.Resource, "Cloudflare Access App Admin", "Administer one Access application.");
        Add(ScopeKind.Resource, "Cloudflare Access Identity Provider Admin", "Administer one Access identity provider.");
        Add(ScopeKind.Resource, "Access for Infrastructure Target Admin", "Administer one infrastructure target.");
        return roles;
    }
}
