using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Domain.Members;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Api.Cli;

/// <summary>
/// <c>seed --account ID --users N --groups G --group-size M</c>: fills an account straight through the database in
/// large batches, so a benchmark can start from 100,000 users in seconds instead of an hour of POSTs. Users are
/// <c>seed-&lt;n&gt;@bench.example</c>, active members with Minimal Account Access; groups are <c>seed-group-&lt;g&gt;</c>
/// holding the first M users each. Not for production data: it bypasses the audit log.
/// </summary>
public static class Seeder
{
    private const int Batch = 10_000;

    public static async Task<List<string>> SeedAsync(
        ScimDbContext db,
        string accountId,
        int users,
        int groups,
        int groupSize,
        TextWriter log
    )
    {
        if (!await db.Accounts.AnyAsync(a => a.Id == accountId))
        {
            throw DomainException.NotFound($"Account '{accountId}' does not exist.");
        }

        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var now = DateTime.UtcNow;
        var offset = await db.Users.CountAsync(u => u.AccountId == accountId);
        var keys = new List<long>(users);
        for (var start = 0; start < users; start += Batch)
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var batch = new List<User>();
            for (var i = start; i < Math.Min(users, start + Batch); i++)
            {
                var n = (offset + i).ToString(CultureInfo.InvariantCulture);
                var email = $"seed-{n}@bench.example";
                var user = UserFactory.NewUser(accountId, now, email);
                user.GivenName = "Seed";
                user.FamilyName = n;
                user.ExternalId = "ext-" + n;
                batch.Add(user);
            }

            db.Users.AddRange(batch);
            await db.SaveChangesAsync();
            db.Members.AddRange(batch.Select(u => UserFactory.NewMember(u, now)));
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            keys.AddRange(batch.Select(u => u.Key));
            db.ChangeTracker.Clear();
            await log.WriteLineAsync($"users: {Math.Min(users, start + Batch)}/{users}");
        }

        if (keys.Count == 0)
        {
            keys = await db.Users.Where(u => u.AccountId == accountId).OrderBy(u => u.Key).Select(u => u.Key).Take(groupSize).ToListAsync();
        }

        var groupIds = new List<string>();
        var existingGroups = await db.UserGroups.CountAsync(g => g.AccountId == accountId && g.SystemRoleId == null);
        for (var g = 0; g < groups; g++)
        {
            var group = new UserGroup
            {
                Id = Identifiers.NewTag(),
                AccountId = accountId,
                IsScimManaged = true,
                Created = now,
                LastModified = now,
                Version = 1,
            };
            group.Rename($"seed-group-{(existingGroups + g).ToString(CultureInfo.InvariantCulture)}");
            db.UserGroups.Add(group);
            await db.SaveChangesAsync();
            groupIds.Add(group.Id);
            foreach (var chunk in keys.Take(groupSize).Chunk(Batch))
            {
                db.UserGroupMembers.AddRange(
                    chunk.Select(k => new UserGroupMember
                    {
                        UserGroupKey = group.Key,
                        UserKey = k,
                        Added = now,
                    })
                );
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
            }

            await log.WriteLineAsync($"groups: {g + 1}/{groups} ({Math.Min(groupSize, keys.Count)} members)");
        }

        return groupIds;
    }
}
