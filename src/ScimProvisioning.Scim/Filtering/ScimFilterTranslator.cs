using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using ScimProvisioning.Scim.Errors;

namespace ScimProvisioning.Scim.Filtering;

/// <summary>
/// Where a SCIM filter becomes SQL: turns a <see cref="FilterNode"/> into a LINQ predicate over the entity, which EF
/// Core translates for the database. Nothing is evaluated in memory; what cannot be translated is refused with
/// 400 invalidFilter naming the problem. Case-insensitive attributes compare lower-cased values (or a pre-folded,
/// indexed column for eq); caseExact ones compare as stored.
/// </summary>
public static class ScimFilterTranslator
{
    private static readonly MethodInfo ToLower = typeof(string).GetMethod(nameof(string.ToLower), Type.EmptyTypes)!;
    private static readonly MethodInfo Contains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
    private static readonly MethodInfo StartsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
    private static readonly MethodInfo EndsWith = typeof(string).GetMethod(nameof(string.EndsWith), [typeof(string)])!;
    private static readonly MethodInfo StringCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;
    private static readonly MethodInfo AnyWithPredicate = typeof(Enumerable)
        .GetMethods()
        .Single(m => m.Name == nameof(Enumerable.Any) && m.GetParameters().Length == 2);

    public static Expression<Func<T, bool>> ToPredicate<T>(FilterNode filter, ScimQueryMap<T> map)
    {
        var parameter = Expression.Parameter(typeof(T), "r");
        return Expression.Lambda<Func<T, bool>>(Translate(filter, map, parameter), parameter);
    }

    private static Expression Translate(FilterNode node, IScimQueryMap map, ParameterExpression parameter) =>
        node switch
        {
            LogicalFilter { Operator: LogicalOperator.And } and => Expression.AndAlso(
                Translate(and.Left, map, parameter),
                Translate(and.Right, map, parameter)
            ),
            LogicalFilter or => Expression.OrElse(Translate(or.Left, map, parameter), Translate(or.Right, map, parameter)),
            NotFilter not => Expression.Not(Translate(not.Inner, map, parameter)),
            ValuePathFilter valuePath => TranslateValuePath(valuePath, map, parameter),
            ComparisonFilter comparison => TranslateComparison(comparison, map, parameter),
            _ => throw ScimException.InvalidFilter($"Unsupported filter expression '{node}'."),
        };

    private static Expression TranslateValuePath(ValuePathFilter filter, IScimQueryMap map, ParameterExpression parameter)
    {
        var collection =
            FindCollection(map, filter.Path)
            ?? throw ScimException.InvalidFilter($"'{filter.Path}' is not a multi-valued attribute that can be filtered with [ ].");
        return Any(collection, parameter, element => Translate(filter.Inner, collection.ElementMap, element));
    }

    private static Expression TranslateComparison(ComparisonFilter filter, IScimQueryMap map, ParameterExpression parameter)
    {
        var column = FindColumn(map, filter.Path);
        if (column is not null)
        {
            return Compare(column, filter, parameter);
        }

        // emails.value eq "x" or emails eq "x": some value of the multi-valued attribute matches.
        var collection = FindCollection(map, filter.Path with { SubAttribute = null });
        if (collection is not null)
        {
            var sub = new AttributePath(null, filter.Path.SubAttribute ?? "value");
            var any = Any(
                collection,
                parameter,
                element =>
                {
                    var elementColumn =
                        FindColumn(collection.ElementMap, sub)
                        ?? throw ScimException.InvalidFilter(
                            $"'{filter.Path}' cannot be filtered: '{filter.Path.Name}' has no filterable sub-attribute '{sub.Name}'."
                        );
                    return Compare(elementColumn, filter, element);
                }
            );

            // An attribute without values is "not equal" to anything, as an unset single value is.
            return filter.Operator == ComparisonOperator.Ne
                ? Expression.OrElse(any, Expression.Not(Any(collection, parameter, _ => Expression.Constant(true))))
                : any;
        }

        throw ScimException.InvalidFilter($"The attribute '{filter.Path}' cannot be used in a filter.");
    }

    private static Expression Any(
        QueryCollection collection,
        ParameterExpression parameter,
        Func<ParameterExpression, Expression> elementPredicate
    )
    {
        var element = Expression.Parameter(collection.ElementType, "e");
        var source = Rebind(collection.Collection, parameter);
        var predicate = Expression.Lambda(elementPredicate(element), element);
        return Expression.Call(AnyWithPredicate.MakeGenericMethod(collection.ElementType), source, predicate);
    }

    private static Expression Compare(QueryColumn column, ComparisonFilter filter, ParameterExpression parameter)
    {
        var value = Rebind(column.Column, parameter);
        return column.Type switch
        {
            QueryValueType.Boolean => CompareBoolean(value, filter),
            QueryValueType.DateTime => CompareDateTime(value, filter),
            _ => CompareString(column, value, filter, parameter),
        };
    }

    private static Expression CompareString(QueryColumn column, Expression value, ComparisonFilter filter, ParameterExpression parameter)
    {
        var isNull = Expression.Equal(value, Expression.Constant(null, typeof(string)));
        if (filter.Operator == ComparisonOperator.Pr)
        {
            return Expression.AndAlso(Expression.Not(isNull), Expression.NotEqual(value, Expression.Constant(string.Empty)));
        }

        var operand = filter.Value!;
        if (operand.Kind == FilterValueKind.Null)
        {
            return filter.Operator switch
            {
                ComparisonOperator.Eq => isNull,
                ComparisonOperator.Ne => Expression.Not(isNull),
                _ => throw ScimException.InvalidFilter(
                    $"'{filter.Operator.ToString().ToLowerInvariant()} null' is not a meaningful comparison for '{filter.Path}'."
                ),
            };
        }

        if (operand.Kind == FilterValueKind.Boolean)
        {
            throw ScimException.InvalidFilter(
                $"'{filter.Path}' is a string attribute; compare it with a quoted string, not {operand.Text}."
            );
        }

        var text = operand.Text!;
        if (filter.Operator is ComparisonOperator.Eq or ComparisonOperator.Ne && !column.CaseExact && column.FoldedColumn is not null)
        {
            var folded = Expression.Equal(Rebind(column.FoldedColumn, parameter), Constant(text.ToLowerInvariant()));
            return filter.Operator == ComparisonOperator.Eq ? folded : Expression.Not(folded);
        }

        var left = column.CaseExact ? value : Expression.Call(value, ToLower);
        var right = Constant(column.CaseExact ? text : text.ToLowerInvariant());
        var notNull = Expression.Not(isNull);
        return filter.Operator switch
        {
            ComparisonOperator.Eq => Expression.Equal(left, right),
            ComparisonOperator.Ne => Expression.OrElse(isNull, Expression.NotEqual(left, right)),
            ComparisonOperator.Co => Expression.AndAlso(notNull, Expression.Call(left, Contains, right)),
            ComparisonOperator.Sw => Expression.AndAlso(notNull, Expression.Call(left, StartsWith, right)),
            ComparisonOperator.Ew => Expression.AndAlso(notNull, Expression.Call(left, EndsWith, right)),
            _ => Expression.AndAlso(notNull, Ordered(filter.Operator, Expression.Call(StringCompare, left, right), Expression.Constant(0))),
        };
    }

    private static Expression CompareBoolean(Expression value, ComparisonFilter filter)
    {
        if (filter.Operator == ComparisonOperator.Pr)
        {
            return Expression.Constant(true);
        }

        var operand = filter.Value!;
        bool wanted;
        if (operand.Kind == FilterValueKind.Boolean)
        {
            wanted = operand.AsBoolean;
        }
        else if (operand.Kind == FilterValueKind.String && bool.TryParse(operand.Text, out var parsed))
        {
            wanted = parsed;
        }
        else
        {
            throw ScimException.InvalidFilter($"'{filter.Path}' is a boolean attribute; compare it with true or false.");
        }

        return filter.Operator switch
        {
            ComparisonOperator.Eq => Expression.Equal(value, Expression.Constant(wanted)),
            ComparisonOperator.Ne => Expression.NotEqual(value, Expression.Constant(wanted)),
            _ => throw ScimException.InvalidFilter($"'{filter.Path}' is a boolean attribute; only eq, ne and pr apply to it."),
        };
    }

    private static Expression CompareDateTime(Expression value, ComparisonFilter filter)
    {
        if (filter.Operator == ComparisonOperator.Pr)
        {
            return Expression.Constant(true);
        }

        var operand = filter.Value!;
        if (
            operand.Kind != FilterValueKind.String
            || !DateTimeOffset.TryParse(operand.Text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment)
        )
        {
            throw ScimException.InvalidFilter(
                $"'{filter.Path}' is a dateTime attribute; compare it with a quoted xsd:dateTime such as \"2026-01-01T00:00:00Z\"."
            );
        }

        if (filter.Operator is ComparisonOperator.Co or ComparisonOperator.Sw or ComparisonOperator.Ew)
        {
            throw ScimException.InvalidFilter($"'{filter.Path}' is a dateTime attribute; use eq, ne, gt, ge, lt or le.");
        }

        return Ordered(filter.Operator, value, Expression.Constant(moment.UtcDateTime));
    }

    private static Expression Ordered(ComparisonOperator op, Expression left, Expression right) =>
        op switch
        {
            ComparisonOperator.Eq => Expression.Equal(left, right),
            ComparisonOperator.Ne => Expression.NotEqual(left, right),
            ComparisonOperator.Gt => Expression.GreaterThan(left, right),
            ComparisonOperator.Ge => Expression.GreaterThanOrEqual(left, right),
            ComparisonOperator.Lt => Expression.LessThan(left, right),
            ComparisonOperator.Le => Expression.LessThanOrEqual(left, right),
            _ => throw ScimException.InvalidFilter($"Operator '{op.ToString().ToLowerInvariant()}' does not apply here."),
        };

    /// <summary>A captured variable rather than a literal, so EF Core sends it as a SQL parameter.</summary>
    private static Expression Constant(string value)
    {
        Expression<Func<string>> capture = () => value;
        return capture.Body;
    }

    private static Expression Rebind(LambdaExpression lambda, ParameterExpression parameter) =>
        new ParameterReplacer(lambda.Parameters[0], parameter).Visit(lambda.Body);

    private static QueryColumn? FindColumn(IScimQueryMap map, AttributePath path) =>
        map.Key(path, includeSub: true) is { } key ? map.FindColumn(key) : null;

    private static QueryCollection? FindCollection(IScimQueryMap map, AttributePath path) =>
        map.Key(path, includeSub: false) is { } key ? map.FindCollection(key) : null;

    private sealed class ParameterReplacer(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
