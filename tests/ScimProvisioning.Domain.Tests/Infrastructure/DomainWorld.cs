using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Accounts;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Domain.Members;
using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Domain.Tests.Infrastructure;

/// <summary>
/// The domain services wired by hand over one in-memory SQLite database (schema from the EF model), with one account
/// and its bootstrap Super Administrator. Each test gets its own world; nothing is shared.
/// </summary>
public sealed class DomainWorld : IAsyncDisposable
{
    private readonly SqliteConnection connection;

    private DomainWorld(SqliteConnection connection, GuardSettings guardSettings, IUserRules rules)
    {
        this.connection = connection;
        Db = new ScimDbContext(new DbContextOptionsBuilder<ScimDbContext>().UseSqlite(connection).Options);
        var clock = TimeProvider.System;
        Audit = new AuditLog(Db, clock);
        Guard = new SuperAdministratorGuard(Db, Audit, guardSettings, new NoAccountLock());
        Users = new UserProvisioning(Db, Audit, Guard, clock, TransactionalInserts.Instance, rules);
        Groups = new GroupProvisioning(Db, Audit, Guard, clock, new GroupSettings(MaxMembersPerRequest: 50));
        Policies = new PolicyAssignments(Db, Audit, Guard, clock);
        Permissions = new EffectivePermissions(Db);
        Accounts = new AccountSetup(Db, Audit, Groups, clock);
    }

    public ScimDbContext Db { get; }
    public AuditLog Audit { get; }
    public SuperAdministratorGuard Guard { get; }
    public UserProvisioning Users { get; }
    public GroupProvisioning Groups { get; }
    public PolicyAssignments Policies { get; }
    public EffectivePermissions Permissions { get; }
    public AccountSetup Accounts { get; }
    public string AccountId { get; private set; } = "";

    public static Actor Actor { get; } = new("test-token");

    public static async Task<DomainWorld> CreateAsync(GuardSettings? guard = null, IUserRules? rules = null)
    {
        var connection = new SqliteConnection("Data Source=:memory:;Foreign Keys=True");
        await connection.OpenAsync();
        var world = new DomainWorld(connection, guard ?? new GuardSettings(), rules ?? NoUserRules.Instance);
        await world.Db.Database.EnsureCreatedAsync();
        world.AccountId = (await world.Accounts.CreateAsync("Test account", "owner@example.com", CancellationToken.None)).Id;
        world.Db.ChangeTracker.Clear();
        return world;
    }

    /// <summary>A provisioned (active) user and its member, untracked afterwards.</summary>
    public async Task<User> ProvisionAsync(string email)
    {
        var user = Users.NewUser(AccountId, email);
        await Users.CreateAsync(Actor, user, UserWriteKind.ScimCreate, CancellationToken.None);
        Db.ChangeTracker.Clear();
        return user;
    }

    public Task<User> TrackedUserAsync(string userName) =>
        Db.Users.Include(u => u.Emails).Include(u => u.MultiValues).SingleAsync(u => u.AccountId == AccountId && u.UserName == userName);

    public Task<Member> MemberOfAsync(string userName) =>
        Db.Members.Include(m => m.User).SingleAsync(m => m.AccountId == AccountId && m.User.UserName == userName);

    public Task<bool> IsMemberAsync(string userName) => Db.Members.AnyAsync(m => m.AccountId == AccountId && m.User.UserName == userName);

    public Task<List<AuditEvent>> AuditAsync(string? outcome = null) =>
        Db
            .AuditEvents.AsNoTracking()
            .Where(e => e.AccountId == AccountId && (outcome == null || e.Outcome == outcome))
            .OrderBy(e => e.Key)
            .ToListAsync();

    public async ValueTask DisposeAsync()
    {
        await Db.DisposeAsync();
        await connection.DisposeAsync();
    }

    private sealed class NoAccountLock : IAccountLock
    {
        public Task LockAsync(ScimDbContext db, string accountId, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
