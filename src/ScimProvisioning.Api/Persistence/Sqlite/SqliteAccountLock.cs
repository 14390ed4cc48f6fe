using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Persistence.Sqlite;

/// <summary>SQLite: write transactions are already exclusive (<see cref="SqliteWriteGate"/>), so there is nothing to take.</summary>
public sealed class SqliteAccountLock : IAccountLock
{
    public static SqliteAccountLock Instance { get; } = new();

    public Task LockAsync(ScimDbContext db, string accountId, CancellationToken cancellationToken) => Task.CompletedTask;
}
