using System.Linq.Expressions;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Filtering;
using ScimProvisioning.Scim.Serialization;

namespace ScimProvisioning.Api.Scim;

/// <summary>A list request, from query parameters or a POST /.search body, checked against the running profile.</summary>
public sealed record ListRequest(
    string? Filter,
    int StartIndex,
    int Count,
    AttributePath? SortBy,
    bool Descending,
    string? Cursor,
    IReadOnlyList<AttributePath> Attributes,
    IReadOnlyList<AttributePath> ExcludedAttributes
)
{
    public bool UsesCursor => Cursor is not null;
}

/// <summary>A page of results: the total, the resources and, in cursor paging, the cursor of the next page.</summary>
public sealed record ListPage<T>(int Total, List<T> Items, string? NextCursor);

/// <summary>Counting, ordering and paging a filtered query in the database (index paging or RFC 9865 cursors).</summary>
public static class ScimQueries
{
    /// <summary>
    /// Where the next index page starts: after serving items up to startIndex+count-1 in creation order, the key of the
    /// last one is remembered, so an importer walking the pages in order (Okta: startIndex=1, 101, 201, …) gets each
    /// deep page by an index seek instead of an OFFSET over every row before it. Per instance, bounded, short-lived; a
    /// miss falls back to OFFSET, so correctness never depends on it.
    /// </summary>
    private static readonly MemoryCache PageStarts = new(new MemoryCacheOptions { SizeLimit = 50_000 });

    public static async Task<ListPage<T>> PageAsync<T>(
        IQueryable<T> query,
        Expression<Func<T, long>> key,
        ListRequest request,
        ScimQueryMap<T> map,
        Func<IQueryable<T>, IQueryable<T>> include,
        CancellationToken cancellationToken,
        string? continuationScope = null
    )
        where T : class
    {
        try
        {
            var total = await query.CountAsync(cancellationToken);
            if (request.UsesCursor)
            {
                var after = DecodeCursor(request.Cursor!);
                var rows =
                    request.Count == 0
                        ? []
                        : await include(query.Where(Beyond(key, after)).OrderBy(key).Take(request.Count + 1))
                            .ToListAsync(cancellationToken);
                var more = rows.Count > request.Count;
                var items = more ? rows.Take(request.Count).ToList() : rows;
                var compiled = key.Compile();
                return new ListPage<T>(total, items, more ? EncodeCursor(compiled(items[^1])) : null);
            }

            if (request.Count == 0 || request.StartIndex > total)
            {
                return new ListPage<T>(total, [], null);
            }

            if (request.SortBy is null)
            {
                var scope = continuationScope is null ? null : $"{continuationScope}|{request.Filter}";
                IQueryable<T> window;
                if (scope is not null && request.StartIndex > 1 && PageStarts.TryGetValue($"{scope}|{request.StartIndex}", out long after))
                {
                    window = query.Where(Beyond(key, after)).OrderBy(key).Take(request.Count);
                }
                else
                {
                    window = query.OrderBy(key).Skip(request.StartIndex - 1).Take(request.Count);
                }

                var rows = await include(window).ToListAsync(cancellationToken);
                if (scope is not null && rows.Count == request.Count)
                {
                    PageStarts.Set(
                        $"{scope}|{request.StartIndex + rows.Count}",
                        key.Compile()(rows[^1]),
                        new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(10) }
                    );
                }

                return new ListPage<T>(total, rows, null);
            }

            var ordered = ScimSorter.Apply(query, request.SortBy, request.Descending, map, key);
            var page = await include(ordered.Skip(request.StartIndex - 1).Take(request.Count)).ToListAsync(cancellationToken);
            return new ListPage<T>(total, page, null);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("could not be translated", StringComparison.Ordinal))
        {
            // Never evaluated in memory: a filter the database cannot run is the client's to change.
            throw ScimException.InvalidFilter("The filter cannot be evaluated by the database; simplify it.");
        }
    }

    private static Expression<Func<T, bool>> Beyond<T>(Expression<Func<T, long>> key, long after)
    {
        Expression<Func<long>> captured = () => after; // a SQL parameter, not a literal
        return Expression.Lambda<Func<T, bool>>(Expression.GreaterThan(key.Body, captured.Body), key.Parameters[0]);
    }

    public static string EncodeCursor(long key) =>
        Convert
            .ToBase64String(Encoding.UTF8.GetBytes("k" + key.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .TrimEnd('=')
            .Replace('+', '-')
            .Replace('/', '_');

    /// <summary>An empty cursor asks for the first page (RFC 9865 §2).</summary>
    public static long DecodeCursor(string cursor)
    {
        if (cursor.Length == 0)
        {
            return long.MinValue;
        }

        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            if (
                text.StartsWith('k')
                && long.TryParse(
                    text.AsSpan(1),
                    System.Globalization.NumberStyles.AllowLeadingSign,
                    System.Globalization.CultureInfo.InvariantCulture,
                    out var key
                )
            )
            {
                return key;
            }
        }
        catch (FormatException) { }

        throw new ScimException(400, "invalidCursor", "The cursor is not one this server issued; start again with an empty cursor.");
    }

    /// <summary>Builds a list request from query parameters (GET) or a SearchRequest body (POST /.search).</summary>
    public static ListRequest ToRequest(
        ScimContext scim,
        string? filter,
        string? startIndex,
        string? count,
        string? sortBy,
        string? sortOrder,
        string? cursor,
        string? attributes,
        string? excludedAttributes
    )
    {
        var query = new ScimListQuery(filter, startIndex, count, attributes, excludedAttributes);
        scim.Profile.CheckListParameters(sortBy, sortOrder, cursor);
        AttributePath? sortPath = null;
        if (!string.IsNullOrWhiteSpace(sortBy))
        {
            sortPath =
                AttributePath.TryParse(sortBy.Trim())
                ?? throw ScimException.InvalidValue($"sortBy '{ScimFilters.Truncate(sortBy)}' is not an attribute name.");
        }

        var descending = sortOrder?.Trim().ToLowerInvariant() switch
        {
            null or "" or "ascending" => false,
            "descending" => true,
            _ => throw ScimException.InvalidValue("sortOrder must be \"ascending\" or \"descending\"."),
        };
        if (cursor is not null && sortPath is not null)
        {
            throw ScimException.InvalidValue(
                "Cursor pagination follows creation order; it cannot be combined with sortBy. Use startIndex paging to sort."
            );
        }

        if (cursor is not null && !string.IsNullOrEmpty(startIndex))
        {
            throw ScimException.InvalidValue("Use either cursor or startIndex, not both.");
        }

        return new ListRequest(
            string.IsNullOrWhiteSpace(filter) ? null : filter,
            query.ParsedStartIndex,
            query.PageSize(scim.Options.DefaultPageSize, scim.Profile.MaxPageSize(scim.Options)),
            sortPath,
            descending,
            cursor,
            ScimDocument.ParseAttributeList(attributes),
            ScimDocument.ParseAttributeList(excludedAttributes)
        );
    }
}
