using System.Linq.Expressions;
using ScimProvisioning.Scim.Errors;

namespace ScimProvisioning.Scim.Filtering;

/// <summary>
/// <c>sortBy</c>/<c>sortOrder</c> (RFC 7644 §3.4.2.3) as a database ORDER BY: case-insensitive attributes sort by
/// their folded value, unset values come last in either direction, and a unique key breaks ties so pages are stable.
/// </summary>
public static class ScimSorter
{
    public static IQueryable<T> Apply<T, TKey>(
        IQueryable<T> source,
        AttributePath path,
        bool descending,
        ScimQueryMap<T> map,
        Expression<Func<T, TKey>> tieBreaker
    )
    {
        var key = map.Key(path, includeSub: true) ?? throw Unsortable(path);
        var sortKey = map.FindSortKey(key) ?? ColumnKey(map.FindColumn(key)) ?? throw Unsortable(path);
        var parameter = sortKey.Parameters[0];
        var ordered = source;
        var first = true;
        if (!sortKey.ReturnType.IsValueType || Nullable.GetUnderlyingType(sortKey.ReturnType) is not null)
        {
            var isUnset = Expression.Lambda(Expression.Equal(sortKey.Body, Expression.Constant(null, sortKey.ReturnType)), parameter);
            ordered = Order(ordered, isUnset, "OrderBy");
            first = false;
        }

        ordered = Order(
            ordered,
            sortKey,
            (first, descending) switch
            {
                (true, false) => "OrderBy",
                (true, true) => "OrderByDescending",
                (false, false) => "ThenBy",
                (false, true) => "ThenByDescending",
            }
        );
        return Order(ordered, tieBreaker, "ThenBy");
    }

    private static LambdaExpression? ColumnKey(QueryColumn? column)
    {
        if (column is null)
        {
            return null;
        }

        if (column.Type != QueryValueType.String || column.CaseExact)
        {
            return column.Column;
        }

        if (column.FoldedColumn is not null)
        {
            return column.FoldedColumn;
        }

        var lower = typeof(string).GetMethod(nameof(string.ToLower), Type.EmptyTypes)!;
        return Expression.Lambda(Expression.Call(column.Column.Body, lower), column.Column.Parameters);
    }

    private static IQueryable<T> Order<T>(IQueryable<T> source, LambdaExpression key, string method) =>
        source.Provider.CreateQuery<T>(
            Expression.Call(typeof(Queryable), method, [typeof(T), key.ReturnType], source.Expression, Expression.Quote(key))
        );

    private static ScimException Unsortable(AttributePath path) =>
        ScimException.InvalidValue(
            $"sortBy '{path}' is not an attribute that can be sorted on; use a single-valued attribute such as userName, name.familyName "
                + $"or meta.created."
        );
}
