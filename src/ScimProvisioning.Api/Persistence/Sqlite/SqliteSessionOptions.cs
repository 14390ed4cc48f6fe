using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ScimProvisioning.Api.Persistence.Sqlite;

/// <summary>The SQLite session settings, carried in the DbContext options where <see cref="SessionRelationalConnection"/> reads
/// them.</summary>
internal sealed class SqliteSessionOptions(string synchronous) : IDbContextOptionsExtension
{
    public string Synchronous { get; } = synchronous;

    public DbContextOptionsExtensionInfo Info => new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services) { }

    public void Validate(IDbContextOptions options) { }

    private sealed class ExtensionInfo(SqliteSessionOptions extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => string.Empty;

        public override int GetServiceProviderHashCode() => StringComparer.Ordinal.GetHashCode(extension.Synchronous);

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) =>
            other is ExtensionInfo info
            && string.Equals(
                info.Extension is SqliteSessionOptions o ? o.Synchronous : null,
                extension.Synchronous,
                StringComparison.Ordinal
            );

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) =>
            debugInfo["SqliteSession:Synchronous"] = extension.Synchronous;
    }
}
