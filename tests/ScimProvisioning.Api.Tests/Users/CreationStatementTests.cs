using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Events;
using ScimProvisioning.Domain.Members;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Api.Tests.Users;

/// <summary>
/// On PostgreSQL a user's creation is one statement (RowInserts.ForTree): the user, the rows that name it and the
/// audit and outbox rows, in one round trip that is its own transaction.
/// </summary>
public sealed class CreationStatementTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    private const string OnPostgres = "PostgreSQL only: run with SCIM_TEST_PROVIDER=Postgres (README, 'Tests on PostgreSQL').";

    [SkippableFact]
    public async Task A_creation_stores_its_emails_values_and_events_in_the_order_given()
    {
        Skip.IfNot(PostgresTestServer.Selected, OnPostgres);
        var account = await factory.CreateAccountAsync();
        await account.QueryAsync(async db =>
        {
            db.EventReceivers.Add(
                new EventReceiver
                {
                    Id = Identifiers.NewTag(),
                    AccountId = account.AccountId,
                    Name = "order",
                    Kind = EventReceiverKinds.Poll,
                    Secret = "receiver-secret-0123456789",
                    Mode = "notice",
                }
            );
            return await db.SaveChangesAsync();
        });

        // The sub-statements of a WITH run in no set order; rows of one table must still get their keys in list order.
        string[] emails = ["d@example.com", "a@example.com", "c@example.com", "b@example.com"];
        string[] phones = ["+1 555 0103", "+1 555 0101", "+1 555 0102"];
        var document = $$"""
            {"userName":"order@example.com","emails":[{{string.Join(',', emails.Select(e => $"{{\"value\":\"{e}\"}}"))}}],
             "phoneNumbers":[{{string.Join(',', phones.Select(p => $"{{\"value\":\"{p}\"}}"))}}]}
            """;
        var id = (await (await account.PostAsync("/Users", document)).AssertStatusAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();

        var (storedEmails, storedPhones, events) = await account.QueryAsync(async db =>
        {
            var key = await db.Users.Where(u => u.Id == id).Select(u => u.Key).SingleAsync();
            return (
                await db.Set<UserEmail>().Where(e => e.UserKey == key).OrderBy(e => e.Key).Select(e => e.Value).ToListAsync(),
                await db.Set<UserMultiValue>().Where(v => v.UserKey == key).OrderBy(v => v.Key).Select(v => v.Value).ToListAsync(),
                await db.OutboxEvents.Where(e => e.ResourceId == id).OrderBy(e => e.Key).Select(e => e.Type).ToListAsync()
            );
        });
        Assert.Equal(emails, storedEmails);
        Assert.Equal(phones, storedPhones);
        Assert.Equal([ProvisioningEvents.Create, ProvisioningEvents.MemberProvisioned], events);
        Assert.NotNull(await account.MemberIdOfAsync(id));
    }

    [SkippableFact]
    public async Task A_creation_whose_later_row_is_refused_stores_none_of_its_rows()
    {
        Skip.IfNot(PostgresTestServer.Selected, OnPostgres);
        var account = await factory.CreateAccountAsync();
        var takenMemberId = await account.QueryAsync(db =>
            db.Members.Where(m => m.AccountId == account.AccountId).Select(m => m.Id).FirstAsync()
        );
        var before = await account.SnapshotAsync();

        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
        var user = UserFactory.NewUser(account.AccountId, DateTime.UtcNow, "half-written@example.com");
        // The member comes after the user and its email in the statement, and its id is taken: the whole statement fails.
        var member = new Member
        {
            Id = takenMemberId,
            AccountId = account.AccountId,
            Created = DateTime.UtcNow,
        };
        var refused = await Assert.ThrowsAnyAsync<Exception>(() =>
            RowInserter.ForContext(db, treeStatements: true).InsertTreeAsync(db, [user, .. user.Emails, member], CancellationToken.None)
        );

        Assert.True(UniqueViolation.IsUniqueViolation(refused), refused.ToString());
        Assert.Equal(before, await account.SnapshotAsync());
        Assert.False(await account.QueryAsync(q => q.Users.AnyAsync(u => u.Id == user.Id)));
    }
}
