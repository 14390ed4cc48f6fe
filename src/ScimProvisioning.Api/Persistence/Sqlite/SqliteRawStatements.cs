using System.Globalization;
using Microsoft.Data.Sqlite;
using ScimProvisioning.Domain.Persistence;
using SQLitePCL;

namespace ScimProvisioning.Api.Persistence.Sqlite;

/// <summary>
/// Runs the group commit's statements on their native handles: prepared once per connection, parameters bound by
/// position, stepped and reset, without a <see cref="SqliteCommand"/>.
/// </summary>
/// <remarks>
/// A profile of POST /Users spent ~10 % of the server's CPU in Microsoft.Data.Sqlite around the inserts themselves: it
/// binds each parameter by name (<c>sqlite3_bind_parameter_index</c>, a linear search of the statement's names, 30 of
/// them for a user row), walks its statement list through an iterator and builds a data reader for every execution.
/// The values are bound exactly as Microsoft.Data.Sqlite binds them (text as UTF-8, booleans and integers as
/// 64-bit integers, timestamps as <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c> text); a shape with a column of another type
/// stays on the command path. GroupCommitTests checks that both paths store the same bytes for every entity type.
/// </remarks>
internal static class SqliteRawStatements
{
    private const string DateTimeFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF";

    /// <summary>Whether every column of the single-row shape is of a type bound here.</summary>
    public static bool CanBind(RowInserts statement)
    {
        for (var column = 0; column < statement.ColumnCount(0); column++)
        {
            var type = statement.ProviderType(0, column);
            if (
                !(
                    type == typeof(string)
                    || type == typeof(bool)
                    || type == typeof(long)
                    || type == typeof(int)
                    || type == typeof(short)
                    || type == typeof(byte)
                    || type == typeof(double)
                    || type == typeof(DateTime)
                    || type == typeof(byte[])
                )
            )
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Runs a statement without parameters (BEGIN, SAVEPOINT, COMMIT…).</summary>
    public static void Execute(SqliteSession session, string sql)
    {
        var statement = session.RawStatement(sql);
        try
        {
            StepToEnd(session, statement);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <summary>
    /// Inserts <paramref name="row"/> with the single-row <paramref name="statement"/>; returns its key when the statement returns one.
    /// </summary>
    public static long Insert(SqliteSession session, RowInserts statement, object row, bool returnsKey)
    {
        var prepared = session.RawStatement(statement.Sql);
        try
        {
            for (var column = 0; column < statement.ColumnCount(0); column++)
            {
                Bind(session, prepared, column + 1, statement.ProviderValue(0, column, row));
            }

            if (!returnsKey)
            {
                StepToEnd(session, prepared);
                return 0;
            }

            var status = raw.sqlite3_step(prepared);
            if (status != raw.SQLITE_ROW)
            {
                Fail(session, status == raw.SQLITE_DONE ? raw.SQLITE_MISUSE : status);
            }

            var key = raw.sqlite3_column_int64(prepared, 0);
            StepToEnd(session, prepared);
            return key;
        }
        finally
        {
            raw.sqlite3_reset(prepared);
        }
    }

    private static void StepToEnd(SqliteSession session, sqlite3_stmt statement)
    {
        int status;
        while ((status = raw.sqlite3_step(statement)) == raw.SQLITE_ROW) { }

        if (status != raw.SQLITE_DONE)
        {
            Fail(session, status);
        }
    }

    private static void Bind(SqliteSession session, sqlite3_stmt statement, int index, object? value)
    {
        var status = value switch
        {
            null => raw.sqlite3_bind_null(statement, index),
            string text => raw.sqlite3_bind_text(statement, index, text),
            bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
            long number => raw.sqlite3_bind_int64(statement, index, number),
            int number => raw.sqlite3_bind_int64(statement, index, number),
            short number => raw.sqlite3_bind_int64(statement, index, number),
            byte number => raw.sqlite3_bind_int64(statement, index, number),
            double number when !double.IsNaN(number) => raw.sqlite3_bind_double(statement, index, number),
            DateTime time => raw.sqlite3_bind_text(statement, index, time.ToString(DateTimeFormat, CultureInfo.InvariantCulture)),
            byte[] bytes => raw.sqlite3_bind_blob(statement, index, bytes),
            _ => throw new InvalidOperationException($"A {value.GetType().Name} parameter is not bound by position; see CanBind."),
        };
        if (status != raw.SQLITE_OK)
        {
            Fail(session, status);
        }
    }

    private static void Fail(SqliteSession session, int status)
    {
        SqliteException.ThrowExceptionForRC(status, session.Connection.Handle);
        throw new SqliteException($"SQLite status {status}.", status);
    }
}
