using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScimProvisioning.Domain.Accounts;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Members;
using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Tokens;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Domain.Persistence.Configurations;

internal sealed class ServerSecretConfiguration : IEntityTypeConfiguration<ServerSecret>
{
    public void Configure(EntityTypeBuilder<ServerSecret> builder) => builder.HasKey(s => s.Name);
}
