using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace ScimProvisioning.Domain.Persistence;

/// <summary>Recognises a unique-constraint violation on either engine without referencing the providers' types.</summary>
public static class UniqueViolation
{
    public static bool IsUniqueViolation(DbUpdateException exception) => IsUniqueViolation(exception.InnerException);

    /// <summary>The provider's own exception, as a statement run outside SaveChanges throws it.</summary>
    public static bool IsUniqueViolation(Exception? exception) =>
        exception switch
        {
            // SQLite: SQLITE_CONSTRAINT_UNIQUE (2067) / SQLITE_CONSTRAINT_PRIMARYKEY (1555)
            DbException { ErrorCode: 19 } sqlite => sqlite.Message.Contains("UNIQUE", StringComparison.OrdinalIgnoreCase),
            DbException db when db.Message.Contains("UNIQUE constraint failed", StringComparison.Ordinal) => true,
            // PostgreSQL: 23505 unique_violation
            DbException { SqlState: "23505" } => true,
            _ => false,
        };
}
