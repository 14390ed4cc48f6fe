using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using ScimProvisioning.Domain.Accounts;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Members;
using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Tokens;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Domain.Persistence;

public sealed class ScimDbContext(DbContextOptions<ScimDbContext> options) : DbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<User> Users => Set<User>();
    public DbSet<UserEmail> UserEmails => Set<UserEmail>();
    public DbSet<Member> Members => Set<Member>();
    public DbSet<ResourceGroup> ResourceGroups => Set<ResourceGroup>();
    public DbSet<Policy> Policies => Set<Policy>();
    public DbSet<Groups.UserGroup> UserGroups => Set<Groups.UserGroup>();
    public DbSet<Groups.UserGroupMember> UserGroupMembers => Set<Groups.UserGroupMember>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<ServerSecret> ServerSecrets => Set<ServerSecret>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<Recording.ProvisioningLogEntry> ProvisioningLog => Set<Recording.ProvisioningLogEntry>();
    public DbSet<Events.OutboxEvent> OutboxEvents => Set<Events.OutboxEvent>();
    public DbSet<Events.EventReceiver> EventReceivers => Set<Events.EventReceiver>();
    public DbSet<Events.EventDelivery> EventDeliveries => Set<Events.EventDelivery>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ScimDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC; SQLite keeps no kind, so restore it on read.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter()
        : ValueConverter<DateTime, DateTime>(
            v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
            v => DateTime.SpecifyKind(v, DateTimeKind.Utc)
        );
}
