using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Scim.Errors;

namespace ScimProvisioning.Api.Scim;

/// <summary>Counting and paging a filtered query in the database, with a stable order.</summary>
public static class ScimQueries
{
    public static async Task<(int Total, List<T> Page)> PageAsync<T, TKey>(
        IQueryable<T> query, Expression<Func<T, TKey>> order, int startIndex, int count,
        Func<IQueryable<T>, IQueryable<T>> include, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var total = await query.CountAsync(cancellationToken);
            var page = count == 0 || startIndex > total
                ? []
                : await include(query.OrderBy(order).Skip(startIndex - 1).Take(count)).ToListAsync(cancellationToken);
            return (total, page);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("could not be translated", StringComparison.Ordinal))
        {
            // Never evaluated in memory: a filter the database cannot run is the client's to change.
            throw ScimException.InvalidFilter("The filter cannot be evaluated by the database; simplify it.");
        }
    }
}
