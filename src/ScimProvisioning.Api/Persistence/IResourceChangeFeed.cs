namespace ScimProvisioning.Api.Persistence;

/// <summary>
/// A count of the commits that may have changed what a SCIM user reads as, kept per process, which
/// <see cref="ResourceReadCache"/> files its copies under: a copy is served only while the count is the one taken before
/// it was read. SQLite keeps it with hooks inside SQLite (<see cref="Sqlite.SqliteChangeFeed"/>); PostgreSQL with
/// triggers that notify every instance (<see cref="Postgres.PostgresChangeFeed"/>).
/// </summary>
public interface IResourceChangeFeed
{
    /// <summary>The current count; it only grows.</summary>
    long Generation { get; }

    /// <summary>Whether the count is being kept at all; while it is not, no copy may be served.</summary>
    bool Followed { get; }
}
