using System.Linq.Expressions;

namespace ScimProvisioning.Scim.Filtering;

public enum QueryValueType
{
    String,
    Boolean,
    DateTime,
}

/// <summary>How one SCIM attribute is reached in the entity model: a column expression and its comparison rules.</summary>
public sealed record QueryColumn(LambdaExpression Column, QueryValueType Type, bool CaseExact, LambdaExpression? FoldedColumn);

/// <summary>A multi-valued attribute stored as a child collection, filtered with <c>Any(…)</c>.</summary>
public sealed record QueryCollection(LambdaExpression Collection, Type ElementType, IScimQueryMap ElementMap);

/// <summary>The untyped view of a <see cref="ScimQueryMap{T}"/> the translator walks.</summary>
public interface IScimQueryMap
{
    string? Key(AttributePath path, bool includeSub);
    QueryColumn? FindColumn(string key);
    QueryCollection? FindCollection(string key);
    LambdaExpression? FindSortKey(string key);
}

/// <summary>
/// The mapping from SCIM attribute paths to an entity's columns that <see cref="ScimFilterTranslator"/> uses to turn a
/// filter into a LINQ predicate for the database. Attribute names are matched case-insensitively.
/// </summary>
public sealed class ScimQueryMap<T>(string coreSchema, params string[] extensionSchemas) : IScimQueryMap
{
    private readonly Dictionary<string, QueryColumn> _columns = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, QueryCollection> _collections = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, LambdaExpression> _sortKeys = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="foldedColumn">A column holding the value already case-folded (indexed); used for eq on case-insensitive
    /// attributes.</param>
    public ScimQueryMap<T> String(
        string path,
        Expression<Func<T, string?>> column,
        bool caseExact = false,
        Expression<Func<T, string?>>? foldedColumn = null
    )
    {
        _columns[path] = new QueryColumn(column, QueryValueType.String, caseExact, foldedColumn);
        return this;
    }

    public ScimQueryMap<T> Boolean(string path, Expression<Func<T, bool>> column)
    {
        _columns[path] = new QueryColumn(column, QueryValueType.Boolean, true, null);
        return this;
    }

    public ScimQueryMap<T> DateTime(string path, Expression<Func<T, System.DateTime>> column)
    {
        _columns[path] = new QueryColumn(column, QueryValueType.DateTime, true, null);
        return this;
    }

    public ScimQueryMap<T> Collection<TElement>(
        string attribute,
        Expression<Func<T, IEnumerable<TElement>>> collection,
        ScimQueryMap<TElement> elementMap
    )
    {
        _collections[attribute] = new QueryCollection(collection, typeof(TElement), elementMap);
        return this;
    }

    /// <summary>A sort key for an attribute that is not a single column (a multi-valued attribute's primary value).</summary>
    public ScimQueryMap<T> SortKey<TKey>(string path, Expression<Func<T, TKey>> key)
    {
        _sortKeys[path] = key;
        return this;
    }

    public LambdaExpression? FindSortKey(string key) => _sortKeys.GetValueOrDefault(key);

    /// <summary>The key of a path relative to this map: <c>name.givenName</c>, or <c>urn:…:User:department</c> for extensions.</summary>
    public string? Key(AttributePath path, bool includeSub)
    {
        string? prefix = null;
        if (path.SchemaUri is not null && !string.Equals(path.SchemaUri, coreSchema, StringComparison.OrdinalIgnoreCase))
        {
            prefix = extensionSchemas.FirstOrDefault(e => string.Equals(e, path.SchemaUri, StringComparison.OrdinalIgnoreCase));
            if (prefix is null)
            {
                return null;
            }
        }

        var name = includeSub && path.SubAttribute is not null ? $"{path.Name}.{path.SubAttribute}" : path.Name;
        return prefix is null ? name : $"{prefix}:{name}";
    }

    public QueryColumn? FindColumn(string key) => _columns.GetValueOrDefault(key);

    public QueryCollection? FindCollection(string key) => _collections.GetValueOrDefault(key);
}
