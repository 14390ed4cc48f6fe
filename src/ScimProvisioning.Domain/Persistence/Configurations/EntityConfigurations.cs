using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScimProvisioning.Domain.Accounts;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Members;
using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Tokens;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Domain.Persistence.Configurations;

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasMaxLength(32);
        builder.Property(a => a.Name).HasMaxLength(256);
    }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.HasKey(u => u.Key);
        builder.Property(u => u.Key).ValueGeneratedOnAdd();
        builder.Property(u => u.Id).HasMaxLength(32);
        builder.HasIndex(u => u.Id).IsUnique();
        builder.Property(u => u.UserName).HasMaxLength(512);
        builder.Property(u => u.UserNameKey).HasMaxLength(512);
        // userName is unique per account, case-insensitively (SPEC §2.1 rule 9) — the database is the referee.
        builder.HasIndex(u => new { u.AccountId, u.UserNameKey }).IsUnique();
        builder.HasIndex(u => new { u.AccountId, u.Key });
        builder.HasIndex(u => new { u.AccountId, u.ExternalId });
        builder.Property(u => u.Version).IsConcurrencyToken();
        builder.HasOne<Account>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(u => u.Emails).WithOne().HasForeignKey(e => e.UserKey).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(u => u.MultiValues).WithOne().HasForeignKey(v => v.UserKey).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserEmailConfiguration : IEntityTypeConfiguration<UserEmail>
{
    public void Configure(EntityTypeBuilder<UserEmail> builder)
    {
        builder.HasKey(e => e.Key);
        builder.Property(e => e.Value).HasMaxLength(512);
        builder.Property(e => e.ValueKey).HasMaxLength(512);
        builder.HasIndex(e => e.ValueKey);
        builder.HasIndex(e => e.UserKey);
    }
}

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> builder)
    {
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).HasMaxLength(32);
        builder.HasIndex(m => m.UserKey).IsUnique();
        builder.HasIndex(m => new { m.AccountId, m.Created });
        builder.HasOne(m => m.User).WithOne().HasForeignKey<Member>(m => m.UserKey).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Account>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ResourceGroupConfiguration : IEntityTypeConfiguration<ResourceGroup>
{
    public void Configure(EntityTypeBuilder<ResourceGroup> builder)
    {
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).HasMaxLength(32);
        builder.Ignore(r => r.Kind);
        builder.HasIndex(r => r.AccountId);
        builder.HasOne<Account>().WithMany().HasForeignKey(r => r.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PolicyConfiguration : IEntityTypeConfiguration<Policy>
{
    public void Configure(EntityTypeBuilder<Policy> builder)
    {
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).HasMaxLength(32);
        builder.Property(p => p.Access).HasConversion<string>().HasMaxLength(8);
        builder.HasIndex(p => p.AccountId);
        builder.HasIndex(p => p.MemberId);
        builder.HasIndex(p => p.UserGroupKey);
        builder.HasOne<Groups.UserGroup>().WithMany().HasForeignKey(p => p.UserGroupKey).OnDelete(DeleteBehavior.Cascade);
        // Deprovisioning deletes the member, and with it its direct policies (SPEC §2.1 rule 2).
        builder.HasOne(p => p.Member).WithMany().HasForeignKey(p => p.MemberId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(p => p.ResourceGroup).WithMany().HasForeignKey(p => p.ResourceGroupId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).HasMaxLength(32);
        builder.HasIndex(t => t.AccountId);
        builder.HasOne<Account>().WithMany().HasForeignKey(t => t.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ServerSecretConfiguration : IEntityTypeConfiguration<ServerSecret>
{
    public void Configure(EntityTypeBuilder<ServerSecret> builder) => builder.HasKey(s => s.Name);
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.HasKey(a => a.Key);
        builder.Property(a => a.Key).ValueGeneratedOnAdd();
        builder.HasIndex(a => a.Id).IsUnique();
        builder.HasIndex(a => new { a.AccountId, a.Key });
        builder.HasIndex(a => new { a.AccountId, a.ResourceId });
    }
}

internal sealed class UserGroupConfiguration : IEntityTypeConfiguration<Groups.UserGroup>
{
    public void Configure(EntityTypeBuilder<Groups.UserGroup> builder)
    {
        builder.HasKey(g => g.Key);
        builder.Property(g => g.Key).ValueGeneratedOnAdd();
        builder.Property(g => g.Id).HasMaxLength(64);
        builder.Property(g => g.Name).HasMaxLength(512);
        builder.Property(g => g.NameKey).HasMaxLength(512);
        builder.Ignore(g => g.IsSystem);
        builder.HasIndex(g => new { g.AccountId, g.Id }).IsUnique();
        // displayName is unique per account, case-insensitively (SPEC §2.1 rule 9).
        builder.HasIndex(g => new { g.AccountId, g.NameKey }).IsUnique();
        builder.HasIndex(g => new { g.AccountId, g.Key });
        builder.Property(g => g.Version).IsConcurrencyToken();
        builder.HasOne<Account>().WithMany().HasForeignKey(g => g.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(g => g.Members).WithOne(m => m.Group).HasForeignKey(m => m.UserGroupKey).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserGroupMemberConfiguration : IEntityTypeConfiguration<Groups.UserGroupMember>
{
    public void Configure(EntityTypeBuilder<Groups.UserGroupMember> builder)
    {
        builder.HasKey(m => new { m.UserGroupKey, m.UserKey });
        // Reverse lookups (a user's groups, the lockout guard) go by user.
        builder.HasIndex(m => m.UserKey);
        builder.HasOne(m => m.User).WithMany(u => u.GroupMemberships).HasForeignKey(m => m.UserKey).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserMultiValueConfiguration : IEntityTypeConfiguration<UserMultiValue>
{
    public void Configure(EntityTypeBuilder<UserMultiValue> builder)
    {
        builder.HasKey(v => v.Key);
        builder.Property(v => v.Attribute).HasMaxLength(32);
        builder.HasIndex(v => new { v.UserKey, v.Attribute });
        builder.HasIndex(v => new { v.Attribute, v.ValueKey });
    }
}
