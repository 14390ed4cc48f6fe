using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using ScimProvisioning.Domain.Groups;

namespace ScimProvisioning.Domain.Users;

/// <summary>A user read to be shown, with the groups it is in (id and display name).</summary>
public sealed record UserView(User User, IReadOnlyList<(string Id, string Display)> Groups);

/// <summary>
/// The read behind <c>GET /Users/{id}</c>, the request an IdP makes most: the user, its emails, its other
/// multi-valued rows and its groups, with one command (four statements, one round trip on PostgreSQL), read
/// straight off the data reader.
/// </summary>
/// <remarks>
/// A profile of the request put half of it in two EF Core queries: query-pipeline overhead, materialising a
/// single-query join (user × emails × multi-valued rows, sorted in a temporary B-tree) and a second query for the
/// groups. Table names come from the EF model; the column lists are the entities' properties, so
/// <c>UserReadTests</c> compares what this returns with what EF Core loads for users with every attribute set.
/// </remarks>
public static class UserReads
{
    private static readonly string[] UserColumns =
    [
        nameof(User.Key),
        nameof(User.Id),
        nameof(User.AccountId),
        nameof(User.UserName),
        nameof(User.ExternalId),
        nameof(User.DisplayName),
        nameof(User.NickName),
        nameof(User.ProfileUrl),
        nameof(User.Title),
        nameof(User.UserType),
        nameof(User.PreferredLanguage),
        nameof(User.Locale),
        nameof(User.Timezone),
        nameof(User.GivenName),
        nameof(User.FamilyName),
        nameof(User.MiddleName),
        nameof(User.FormattedName),
        nameof(User.HonorificPrefix),
        nameof(User.HonorificSuffix),
        nameof(User.Active),
        nameof(User.PasswordHash),
        nameof(User.EmployeeNumber),
        nameof(User.CostCenter),
        nameof(User.Organization),
        nameof(User.Division),
        nameof(User.Department),
        nameof(User.ManagerId),
        nameof(User.Created),
        nameof(User.LastModified),
        nameof(User.Version),
    ];

    private static readonly string[] EmailColumns =
    [
        nameof(UserEmail.Value),
        nameof(UserEmail.ValueKey),
        nameof(UserEmail.Type),
        nameof(UserEmail.Display),
        nameof(UserEmail.Primary),
        nameof(UserEmail.Position),
        nameof(UserEmail.PrimarySent),
    ];

    private static readonly string[] MultiValueColumns =
    [
        nameof(UserMultiValue.Attribute),
        nameof(UserMultiValue.Position),
        nameof(UserMultiValue.Value),
        nameof(UserMultiValue.ValueKey),
        nameof(UserMultiValue.Type),
        nameof(UserMultiValue.Display),
        nameof(UserMultiValue.Primary),
        nameof(UserMultiValue.Formatted),
        nameof(UserMultiValue.StreetAddress),
        nameof(UserMultiValue.Locality),
        nameof(UserMultiValue.Region),
        nameof(UserMultiValue.PostalCode),
        nameof(UserMultiValue.Country),
        nameof(UserMultiValue.PrimarySent),
    ];

    private static readonly ConcurrentDictionary<(IModel, bool), (string Sql, IRelationalParameter[] Parameters)> Commands = new();

    /// <summary>The user with this id in the account, or null.</summary>
    public static Task<UserView?> ReadAsync(DbContext db, string accountId, string userId, CancellationToken cancellationToken) =>
        ReadAsync(db, accountId, byUserName: false, userId, cancellationToken);

    /// <summary>
    /// The user with this userName in the account (compared case-insensitively, through the unique index on the folded
    /// name), or null: <c>filter=userName eq "…"</c>, which IdPs send for every user they match.
    /// </summary>
    public static Task<UserView?> ReadByUserNameAsync(
        DbContext db,
        string accountId,
        string userName,
        CancellationToken cancellationToken
    ) => ReadAsync(db, accountId, byUserName: true, Identifiers.NormalizeKey(userName), cancellationToken);

    private static async Task<UserView?> ReadAsync(
        DbContext db,
        string accountId,
        bool byUserName,
        string lookup,
        CancellationToken cancellationToken
    )
    {
        var (sql, parameters) = Commands.GetOrAdd((db.Model, byUserName), static (key, db) => Build(db, key.Item2), db);
        var command = new RelationalCommand(db.GetService<RelationalCommandBuilderDependencies>(), sql, sql, parameters);
        await using var relationalReader = await command.ExecuteReaderAsync(
            new RelationalCommandParameterObject(
                db.GetService<IRelationalConnection>(),
                new Dictionary<string, object?> { ["accountId"] = accountId, ["lookup"] = lookup },
                null,
                db,
                db.GetService<IRelationalCommandDiagnosticsLogger>(),
                CommandSource.LinqQuery
            ),
            cancellationToken
        );
        var reader = relationalReader.DbDataReader;
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var user = new User
        {
            Key = reader.GetInt64(0),
            Id = reader.GetString(1),
            AccountId = reader.GetString(2),
            ExternalId = Text(reader, 4),
            DisplayName = Text(reader, 5),
            NickName = Text(reader, 6),
            ProfileUrl = Text(reader, 7),
            Title = Text(reader, 8),
            UserType = Text(reader, 9),
            PreferredLanguage = Text(reader, 10),
            Locale = Text(reader, 11),
            Timezone = Text(reader, 12),
            GivenName = Text(reader, 13),
            FamilyName = Text(reader, 14),
            MiddleName = Text(reader, 15),
            FormattedName = Text(reader, 16),
            HonorificPrefix = Text(reader, 17),
            HonorificSuffix = Text(reader, 18),
            Active = reader.GetBoolean(19),
            PasswordHash = Text(reader, 20),
            EmployeeNumber = Text(reader, 21),
            CostCenter = Text(reader, 22),
            Organization = Text(reader, 23),
            Division = Text(reader, 24),
            Department = Text(reader, 25),
            ManagerId = Text(reader, 26),
            Created = Utc(reader.GetDateTime(27)),
            LastModified = Utc(reader.GetDateTime(28)),
            Version = reader.GetInt64(29),
        };
        user.SetUserName(reader.GetString(3));

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            user.Emails.Add(
                new UserEmail
                {
                    UserKey = user.Key,
                    Value = reader.GetString(0),
                    ValueKey = reader.GetString(1),
                    Type = Text(reader, 2),
                    Display = Text(reader, 3),
                    Primary = reader.GetBoolean(4),
                    Position = reader.GetInt32(5),
                    PrimarySent = reader.GetBoolean(6),
                }
            );
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            user.MultiValues.Add(
                new UserMultiValue
                {
                    UserKey = user.Key,
                    Attribute = reader.GetString(0),
                    Position = reader.GetInt32(1),
                    Value = Text(reader, 2),
                    ValueKey = Text(reader, 3),
                    Type = Text(reader, 4),
                    Display = Text(reader, 5),
                    Primary = reader.GetBoolean(6),
                    Formatted = Text(reader, 7),
                    StreetAddress = Text(reader, 8),
                    Locality = Text(reader, 9),
                    Region = Text(reader, 10),
                    PostalCode = Text(reader, 11),
                    Country = Text(reader, 12),
                    PrimarySent = reader.GetBoolean(13),
                }
            );
        }

        var groups = new List<(string Id, string Display)>();
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            groups.Add((reader.GetString(0), reader.GetString(1)));
        }

        return new UserView(user, groups);
    }

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    // Every timestamp is UTC (ScimDbContext's converter); SQLite keeps no kind.
    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static (string, IRelationalParameter[]) Build(DbContext db, bool byUserName)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        string Table<T>() => sql.DelimitIdentifier(db.Model.FindEntityType(typeof(T))!.GetTableName()!);
        string Columns(string alias, IEnumerable<string> names) =>
            string.Join(", ", names.Select(n => $"{alias}.{sql.DelimitIdentifier(n)}"));
        string Column(string alias, string name) => $"{alias}.{sql.DelimitIdentifier(name)}";
        var accountId = sql.GenerateParameterNamePlaceholder("accountId");
        var lookup = sql.GenerateParameterNamePlaceholder("lookup");
        var by = byUserName ? nameof(User.UserNameKey) : nameof(User.Id);
        var userOfAccount = $"{Column("k", nameof(User.AccountId))} = {accountId} AND {Column("k", by)} = {lookup}";
        var userKey = $"(SELECT {Column("k", nameof(User.Key))} FROM {Table<User>()} AS k WHERE {userOfAccount})";
        var user = $"{Column("u", nameof(User.AccountId))} = {accountId} AND {Column("u", by)} = {lookup}";
        var emailsOrder = Column("e", nameof(UserEmail.Key));
        var valuesOrder = $"{Column("v", nameof(UserMultiValue.Attribute))}, {Column("v", nameof(UserMultiValue.Key))}";
        var groupJoin = $"{Column("g", nameof(UserGroup.Key))} = {Column("m", nameof(UserGroupMember.UserGroupKey))}";
        var text =
            string.Join(
                sql.StatementTerminator + "\n",
                $"SELECT {Columns("u", UserColumns)} FROM {Table<User>()} AS u WHERE {user}",
                $"SELECT {Columns("e", EmailColumns)} FROM {Table<UserEmail>()} AS e "
                    + $"WHERE {Column("e", nameof(UserEmail.UserKey))} = {userKey} ORDER BY {emailsOrder}",
                $"SELECT {Columns("v", MultiValueColumns)} FROM {Table<UserMultiValue>()} AS v "
                    + $"WHERE {Column("v", nameof(UserMultiValue.UserKey))} = {userKey} ORDER BY {valuesOrder}",
                $"SELECT {Column("g", nameof(UserGroup.Id))}, {Column("g", nameof(UserGroup.Name))} "
                    + $"FROM {Table<UserGroupMember>()} AS m JOIN {Table<UserGroup>()} AS g ON {groupJoin} "
                    + $"WHERE {Column("m", nameof(UserGroupMember.UserKey))} = {userKey} ORDER BY {Column("g", nameof(UserGroup.Key))}"
            ) + sql.StatementTerminator;

        var strings = db.GetService<IRelationalTypeMappingSource>().FindMapping(typeof(string))!;
        var parameters = db.GetService<IRelationalCommandBuilderFactory>()
            .Create()
            .AddParameter("accountId", sql.GenerateParameterName("accountId"), strings, nullable: false)
            .AddParameter("lookup", sql.GenerateParameterName("lookup"), strings, nullable: false)
            .Build()
            .Parameters.ToArray();
        return (text, parameters);
    }
}
