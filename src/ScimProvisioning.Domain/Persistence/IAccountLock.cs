namespace ScimProvisioning.Domain.Persistence;

/// <summary>
/// Serialises guarded changes of one account across instances, so two requests that each remove a different Super
/// Administrator cannot both see the other one still there. Each database provider supplies its own.
/// </summary>
public interface IAccountLock
{
    /// <summary>Called inside the guarded change's transaction, before it writes.</summary>
    Task LockAsync(ScimDbContext db, string accountId, CancellationToken cancellationToken);
}
