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
            var entityType =
                db.Model.FindEntityType(rows[i].GetType())
                ?? throw new InvalidOperationException($"{rows[i].GetType().Name} is not an entity type of this model.");
            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            var generatedKey = entityType.FindPrimaryKey()!.Properties is [{ ValueGenerated: ValueGenerated.OnAdd } key] ? key : null;
            var onlyWithReceivers = rows[i] is Events.OutboxEvent;
            if (returnsKey && (generatedKey is null || onlyWithReceivers))
            {
                // An outbox event may not be inserted at all (no receiver), and then there is no key to return.
                throw new InvalidOperationException($"{entityType.DisplayName()} has no store-generated key to return.");
            }

            columns[i] = entityType.GetProperties().Where(p => p != generatedKey).ToArray();
            if (columns[i].FirstOrDefault(p => p.IsShadowProperty()) is { } shadow)
            {
                throw new InvalidOperationException(
                    $"{entityType.DisplayName()}.{shadow.Name} is a shadow property; rows are read from the entity."
                );
            }

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
                AppendOnlyWithReceivers(text, db.Model, sql, columns[i], names[i]);
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

    /// <summary>Closes an outbox event's <c>INSERT … SELECT</c> with <c>WHERE EXISTS</c> (a receiver of the event's account).</summary>
    private static void AppendOnlyWithReceivers(
        StringBuilder text,
        IModel model,
        ISqlGenerationHelper sql,
        IProperty[] columns,
        string[] names
    )
    {
        var receivers = model.FindEntityType(typeof(Events.EventReceiver))!;
        var table = StoreObjectIdentifier.Table(receivers.GetTableName()!, receivers.GetSchema());
        var account = Array.FindIndex(columns, p => p.Name == nameof(Events.OutboxEvent.AccountId));
        text.Append(" WHERE EXISTS (SELECT 1 FROM ")
            .Append(sql.DelimitIdentifier(table.Name, table.Schema))
            .Append(" WHERE ")
            .Append(sql.DelimitIdentifier(receivers.FindProperty(nameof(Events.EventReceiver.AccountId))!.GetColumnName(table)!))
            .Append(" = ")
            .Append(sql.GenerateParameterNamePlaceholder(names[account]))
            .Append(')');
    }
}
