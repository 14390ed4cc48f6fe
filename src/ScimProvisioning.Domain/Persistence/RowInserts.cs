using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ScimProvisioning.Domain.Persistence;

/// <summary>
/// Plain INSERTs for the write paths that run at IdP scale (a POST /Users burst), without EF Core's change tracking.
/// </summary>
/// <remarks>
/// A profile of POST /Users put two thirds of the request in EF Core's unit of work (attaching the graph, detecting
/// changes, sorting and batching four rows, generating their SQL), all of it inside the write transaction, which on
/// SQLite is the one thing that cannot run in parallel. Here the statement for a shape of rows (which tables, in
/// which order) is generated once from the EF model — table and column names, each column's type mapping with its
/// value converter — so the rows land exactly as EF Core would have written them. Entities written this way are not
/// tracked. <see cref="IInsertUnits"/> decides in which transaction they run.
/// <para>
/// An outbox event (<see cref="Events.OutboxEvent"/>) is inserted only if its account has an event receiver when the
/// statement runs, inside the write's transaction: a receiver starts at the outbox's end when it is registered, so an
/// event written while the account has none is never read. A creation in an account without receivers (the common
/// case, and an IdP's bulk load) then writes four rows instead of six.
/// </para>
/// </remarks>
public sealed class RowInserts
{
    /// <summary>Shapes of more rows than this are built for one use instead of kept: a client choosing the row count must not grow the
    /// cache.</summary>
    private const int MaxCachedRows = 12;

    private static readonly ConcurrentDictionary<(IModel Model, string Shape, bool ReturnsKey), RowInserts> Cache = new();

    private readonly IProperty[][] _columns;
    private readonly string[][] _names;
    private readonly string[][] _providerNames;

    private RowInserts(string sql, IRelationalCommand command, IProperty[][] columns, string[][] names, string[][] providerNames)
    {
        Sql = sql;
        Command = command;
        _columns = columns;
        _names = names;
        _providerNames = providerNames;
    }

    /// <summary>The statements' text, one INSERT per row, parameters named as the provider names them.</summary>
    public string Sql { get; }

    private IRelationalCommand Command { get; }

    /// <summary>
    /// The same statements as an EF Core command (for <see cref="RowInserter.ForContext"/>): a new one per execution,
    /// because an EF Core command reuses its data reader object and so must not run twice at once.
    /// </summary>
    public IRelationalCommand CommandFor(DbContext db) =>
        new RelationalCommand(db.GetService<RelationalCommandBuilderDependencies>(), Sql, Sql, Command.Parameters);

    /// <summary>The INSERTs for these rows, in order; with <paramref name="returnsKey"/> one row whose store-generated key the statement
    /// returns.</summary>
    public static RowInserts For(DbContext db, IReadOnlyList<object> rows, bool returnsKey)
    {
        if (returnsKey && rows.Count != 1)
        {
            throw new ArgumentException("A key is returned for a single row.", nameof(rows));
        }

        var shape = string.Join(',', rows.Select(r => r.GetType().FullName));
        return rows.Count <= MaxCachedRows
            ? Cache.GetOrAdd((db.Model, shape, returnsKey), static (key, state) => Build(state.db, state.rows, key.ReturnsKey), (db, rows))
            : Build(db, rows, returnsKey);
    }

    /// <summary>
    /// One statement inserting <c>rows[0]</c> (the parent, with a store-generated key) and the rows after it, returning the
    /// parent's key: <c>WITH "r0" AS (INSERT … RETURNING key), "r1" AS (INSERT … VALUES ((SELECT key FROM "r0"), …), …), …
    /// SELECT key FROM "r0"</c>. A dependent's foreign key to the parent's type takes the parent's new key (<see cref="AssignParentKey"/>
    /// sets the same on the objects); other rows are inserted as they are. One statement is one round trip and, outside a
    /// transaction, its own transaction: all rows or none. PostgreSQL's syntax (SQLite has no data-modifying WITH); the
    /// engine's <see cref="IInsertUnits"/> decides whether to use it.
    /// </summary>
    public static RowInserts ForTree(DbContext db, IReadOnlyList<object> rows)
    {
        var shape = "tree:" + string.Join(',', rows.Select(r => r.GetType().FullName));
        return rows.Count <= MaxCachedRows
            ? Cache.GetOrAdd((db.Model, shape, true), static (_, state) => BuildTree(state.db, state.rows), (db, rows))
            : BuildTree(db, rows);
    }

    /// <summary>
    /// Sets the parent's new key on it (<c>rows[0]</c>) and on each later row's foreign key to the parent's type, as a tree
    /// statement (<see cref="ForTree"/>) stores them.
    /// </summary>
    public static void AssignParentKey(DbContext db, IReadOnlyList<object> rows, long key)
    {
        var (parentType, generatedKey) = Parent(db, rows[0]);
        Set(generatedKey, rows[0], key);
        for (var i = 1; i < rows.Count; i++)
        {
            if (ParentReference(EntityType(db, rows[i]), parentType, generatedKey) is { } reference)
            {
                Set(reference, rows[i], key);
            }
        }

        static void Set(IProperty property, object row, long value)
        {
            if (property.PropertyInfo is { CanWrite: true } info)
            {
                info.SetValue(row, value);
            }
            else
            {
                property.FieldInfo!.SetValue(row, value);
            }
        }
    }

    /// <summary>Each parameter's EF Core name (as in <see cref="CommandFor"/>) and value, read from the rows.</summary>
    public Dictionary<string, object?> Values(IReadOnlyList<object> rows)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            for (var j = 0; j < _columns[i].Length; j++)
            {
                values[_names[i][j]] = _columns[i][j].GetGetter().GetClrValue(rows[i]);
            }
        }

        return values;
    }

    /// <summary>Columns of row <paramref name="row"/> of the shape, in parameter order.</summary>
    public int ColumnCount(int row) => _columns[row].Length;

    /// <summary>
    /// The CLR type a column's parameter carries (after its value converter, nullable unwrapped): what a provider binds.
    /// </summary>
    public Type ProviderType(int row, int column)
    {
        var mapping = _columns[row][column].GetRelationalTypeMapping();
        var type = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
        return Nullable.GetUnderlyingType(type) ?? type;
    }

    /// <summary>
    /// The value of a column's parameter for <paramref name="entity"/> (row <paramref name="row"/> of the shape): read from the
    /// entity and passed through the column's value converter, as <see cref="Bind"/> does before the provider sees it.
    /// </summary>
    public object? ProviderValue(int row, int column, object entity)
    {
        var property = _columns[row][column];
        var value = property.GetGetter().GetClrValue(entity);
        return property.GetRelationalTypeMapping().Converter is { } converter ? converter.ConvertToProvider(value) : value;
    }

    /// <summary>Puts the rows' values on a provider command for <see cref="Sql"/>, through each column's type mapping.</summary>
    public void Bind(DbCommand command, IReadOnlyList<object> rows)
    {
        command.Parameters.Clear();
        for (var i = 0; i < rows.Count; i++)
        {
            for (var j = 0; j < _columns[i].Length; j++)
            {
                var column = _columns[i][j];
                command.Parameters.Add(
                    column
                        .GetRelationalTypeMapping()
                        .CreateParameter(command, _providerNames[i][j], column.GetGetter().GetClrValue(rows[i]), column.IsNullable)
                );
            }
        }
    }

    private static RowInserts Build(DbContext db, IReadOnlyList<object> rows, bool returnsKey)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var builder = db.GetService<IRelationalCommandBuilderFactory>().Create();
        var columns = new IProperty[rows.Count][];
        var names = new string[rows.Count][];
        var providerNames = new string[rows.Count][];
        var text = new StringBuilder();
        for (var i = 0; i < rows.Count; i++)
        {
            var entityType = EntityType(db, rows[i]);
            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            var generatedKey = GeneratedKey(entityType);
            var onlyWithReceivers = rows[i] is Events.OutboxEvent;
            if (returnsKey && (generatedKey is null || onlyWithReceivers))
            {
                // An outbox event may not be inserted at all (no receiver), and then there is no key to return.
                throw new InvalidOperationException($"{entityType.DisplayName()} has no store-generated key to return.");
            }

            columns[i] = entityType.GetProperties().Where(p => p != generatedKey).ToArray();
            CheckNoShadow(entityType, columns[i]);

            names[i] = new string[columns[i].Length];
            providerNames[i] = new string[columns[i].Length];
            text.Append("INSERT INTO ")
                .Append(sql.DelimitIdentifier(table.Name, table.Schema))
                .Append(" (")
                .AppendJoin(", ", columns[i].Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))
                .Append(onlyWithReceivers ? ") SELECT " : ") VALUES (");
            for (var j = 0; j < columns[i].Length; j++)
            {
                var name = names[i][j] = $"r{i}c{j}";
                providerNames[i][j] = sql.GenerateParameterName(name);
                builder.AddParameter(name, providerNames[i][j], columns[i][j].GetRelationalTypeMapping(), columns[i][j].IsNullable);
                text.Append(j == 0 ? "" : ", ").Append(sql.GenerateParameterNamePlaceholder(name));
            }

            if (onlyWithReceivers)
            {
                var account = Array.FindIndex(columns[i], p => p.Name == nameof(Events.OutboxEvent.AccountId));
                AppendOnlyWithReceivers(text, db.Model, sql, sql.GenerateParameterNamePlaceholder(names[i][account]));
            }
            else
            {
                text.Append(')');
            }

            if (returnsKey)
            {
                text.Append(" RETURNING ").Append(sql.DelimitIdentifier(generatedKey!.GetColumnName(table)!));
            }

            text.Append(sql.StatementTerminator).AppendLine();
        }

        builder.Append(text.ToString());
        return new RowInserts(text.ToString(), builder.Build(), columns, names, providerNames);
    }

    private static RowInserts BuildTree(DbContext db, IReadOnlyList<object> rows)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var builder = db.GetService<IRelationalCommandBuilderFactory>().Create();
        var (parentType, generatedKey) = Parent(db, rows[0]);
        var parentTable = StoreObjectIdentifier.Table(parentType.GetTableName()!, parentType.GetSchema());
        var keyColumn = sql.DelimitIdentifier(generatedKey.GetColumnName(parentTable)!);
        var parentKey = $"(SELECT {keyColumn} FROM {sql.DelimitIdentifier("r0")})";
        var columns = new IProperty[rows.Count][];
        var names = new string[rows.Count][];
        var providerNames = new string[rows.Count][];
        var text = new StringBuilder("WITH ");

        // The sub-statements of a WITH run in no set order, so consecutive rows of one table share one INSERT whose rows
        // are listed in order: their generated keys (an email's, an outbox event's sequence) follow the list as before.
        for (int first = 0, clause = 0; first < rows.Count; clause++)
        {
            var entityType = EntityType(db, rows[first]);
            var end = first + 1;
            while (first > 0 && end < rows.Count && rows[end].GetType() == rows[first].GetType())
            {
                end++;
            }

            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            var ownKey = GeneratedKey(entityType);
            var reference = first == 0 ? null : ParentReference(entityType, parentType, generatedKey);
            var onlyWithReceivers = rows[first] is Events.OutboxEvent;
            var stored = entityType.GetProperties().Where(p => p != ownKey).ToArray();
            CheckNoShadow(entityType, stored);
            text.Append(clause == 0 ? "" : ",\n")
                .Append(sql.DelimitIdentifier($"r{clause}"))
                .Append(" AS (INSERT INTO ")
                .Append(sql.DelimitIdentifier(table.Name, table.Schema))
                .Append(" (")
                .AppendJoin(", ", stored.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))
                .Append(onlyWithReceivers ? ") SELECT * FROM (VALUES " : ") VALUES ");
            for (var i = first; i < end; i++)
            {
                columns[i] = stored.Where(p => p != reference).ToArray();
                names[i] = new string[columns[i].Length];
                providerNames[i] = new string[columns[i].Length];
                text.Append(i == first ? "(" : ", (");
                var parameter = 0;
                for (var j = 0; j < stored.Length; j++)
                {
                    text.Append(j == 0 ? "" : ", ");
                    if (stored[j] == reference)
                    {
                        text.Append(parentKey);
                        continue;
                    }

                    var name = names[i][parameter] = $"r{i}c{parameter}";
                    providerNames[i][parameter] = sql.GenerateParameterName(name);
                    builder.AddParameter(name, providerNames[i][parameter], stored[j].GetRelationalTypeMapping(), stored[j].IsNullable);
                    text.Append(sql.GenerateParameterNamePlaceholder(name));
                    parameter++;
                }

                text.Append(')');
            }

            if (onlyWithReceivers)
            {
                // Each event only if its own account has a receiver (see the remarks), read from the listed row.
                var account = Array.FindIndex(stored, p => p.Name == nameof(Events.OutboxEvent.AccountId));
                text.Append(") AS ")
                    .Append(sql.DelimitIdentifier("v"))
                    .Append(" (")
                    .AppendJoin(", ", stored.Select((_, j) => sql.DelimitIdentifier($"c{j}")))
                    .Append(')');
                AppendOnlyWithReceivers(text, db.Model, sql, sql.DelimitIdentifier("v") + "." + sql.DelimitIdentifier($"c{account}"));
            }

            text.Append(first == 0 ? " RETURNING " + keyColumn + ")" : ")");
            first = end;
        }

        text.Append("\nSELECT ")
            .Append(keyColumn)
            .Append(" FROM ")
            .Append(sql.DelimitIdentifier("r0"))
            .Append(sql.StatementTerminator)
            .AppendLine();
        builder.Append(text.ToString());
        return new RowInserts(text.ToString(), builder.Build(), columns, names, providerNames);
    }

    private static IEntityType EntityType(DbContext db, object row) =>
        db.Model.FindEntityType(row.GetType())
        ?? throw new InvalidOperationException($"{row.GetType().Name} is not an entity type of this model.");

    /// <summary>The parent row's entity type and its store-generated key.</summary>
    private static (IEntityType Type, IProperty Key) Parent(DbContext db, object row)
    {
        var entityType = EntityType(db, row);
        return GeneratedKey(entityType) is { } key
            ? (entityType, key)
            : throw new InvalidOperationException($"{entityType.DisplayName()} has no store-generated key to return.");
    }

    /// <summary>The entity type's single-column key when the store generates it (an identity column), else null.</summary>
    private static IProperty? GeneratedKey(IEntityType entityType) =>
        entityType.FindPrimaryKey()!.Properties is [{ ValueGenerated: ValueGenerated.OnAdd } key] ? key : null;

    /// <summary>The single-column foreign key of <paramref name="entityType"/> to the parent's generated key, if it has one.</summary>
    private static IProperty? ParentReference(IEntityType entityType, IEntityType parentType, IProperty parentKey) =>
        entityType
            .GetForeignKeys()
            .FirstOrDefault(f => f.PrincipalEntityType == parentType && f.PrincipalKey.Properties is [var key] && key == parentKey)
            ?.Properties.Single();

    private static void CheckNoShadow(IEntityType entityType, IProperty[] columns)
    {
        if (columns.FirstOrDefault(p => p.IsShadowProperty()) is { } shadow)
        {
            throw new InvalidOperationException(
                $"{entityType.DisplayName()}.{shadow.Name} is a shadow property; rows are read from the entity."
            );
        }
    }

    /// <summary>
    /// Closes an outbox event's <c>INSERT … SELECT</c> with <c>WHERE EXISTS</c> (a receiver of the account that
    /// <paramref name="account"/>, the SQL of the event's account id, names).
    /// </summary>
    private static void AppendOnlyWithReceivers(StringBuilder text, IModel model, ISqlGenerationHelper sql, string account)
    {
        var receivers = model.FindEntityType(typeof(Events.EventReceiver))!;
        var table = StoreObjectIdentifier.Table(receivers.GetTableName()!, receivers.GetSchema());
        text.Append(" WHERE EXISTS (SELECT 1 FROM ")
            .Append(sql.DelimitIdentifier(table.Name, table.Schema))
            .Append(" WHERE ")
            .Append(sql.DelimitIdentifier(receivers.FindProperty(nameof(Events.EventReceiver.AccountId))!.GetColumnName(table)!))
            .Append(" = ")
            .Append(account)
            .Append(')');
    }
}
