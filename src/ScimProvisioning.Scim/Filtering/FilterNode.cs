using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ScimProvisioning.Scim.Filtering;

/// <summary>An attribute reference: optional schema URN, attribute name, optional sub-attribute (RFC 7644 §3.10).</summary>
public sealed record AttributePath(string? SchemaUri, string Name, string? SubAttribute = null)
{
    public override string ToString()
    {
        var text = SchemaUri is null ? Name : $"{SchemaUri}:{Name}";
        return SubAttribute is null ? text : $"{text}.{SubAttribute}";
    }

    /// <summary>Parses <c>name</c>, <c>name.sub</c> or <c>urn:…:name[.sub]</c>; returns null when it is not a path.</summary>
    public static AttributePath? TryParse(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        string? schema = null;
        var rest = text;
        if (text.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            var colon = text.LastIndexOf(':');
            schema = text[..colon];
            rest = text[(colon + 1)..];
            if (schema.Length <= 4)
            {
                return null;
            }
        }

        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        var name = dot < 0 ? rest : rest[..dot];
        var sub = dot < 0 ? null : rest[(dot + 1)..];
        if (!IsAttributeName(name) || (sub is not null && !IsAttributeName(sub)))
        {
            return null;
        }

        return new AttributePath(schema, name, sub);
    }

    /// <summary>ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA; "$ref" is allowed too.</summary>
    public static bool IsAttributeName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        if (name == "$ref")
        {
            return true;
        }

        if (!char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}

public enum ComparisonOperator
{
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
    Pr,
}

public enum LogicalOperator
{
    And,
    Or,
}

public enum FilterValueKind
{
    String,
    Number,
    Boolean,
    Null,
}

/// <summary>A comparison value: a JSON string, number, boolean or null.</summary>
public sealed record FilterValue(FilterValueKind Kind, string? Text)
{
    public static FilterValue Null { get; } = new(FilterValueKind.Null, null);
    public static FilterValue True { get; } = new(FilterValueKind.Boolean, "true");
    public static FilterValue False { get; } = new(FilterValueKind.Boolean, "false");

    public static FilterValue String(string text) => new(FilterValueKind.String, text);

    public bool AsBoolean => Kind == FilterValueKind.Boolean && Text == "true";

    public decimal AsNumber => decimal.Parse(Text!, NumberStyles.Float, CultureInfo.InvariantCulture);

    public override string ToString() =>
        Kind switch
        {
            FilterValueKind.String => JsonSerializer.Serialize(Text),
            FilterValueKind.Null => "null",
            _ => Text!,
        };
}

/// <summary>A parsed SCIM filter (RFC 7644 §3.4.2.2). <see cref="ToString"/> prints it back in canonical form.</summary>
public abstract record FilterNode
{
    public abstract void Print(StringBuilder output);

    public sealed override string ToString()
    {
        var output = new StringBuilder();
        Print(output);
        return output.ToString();
    }
}

public sealed record ComparisonFilter(AttributePath Path, ComparisonOperator Operator, FilterValue? Value) : FilterNode
{
    public override void Print(StringBuilder output)
    {
        output.Append(Path).Append(' ').Append(Operator.ToString().ToLowerInvariant());
        if (Operator != ComparisonOperator.Pr)
        {
            output.Append(' ').Append(Value ?? FilterValue.Null);
        }
    }
}

public sealed record LogicalFilter(LogicalOperator Operator, FilterNode Left, FilterNode Right) : FilterNode
{
    public override void Print(StringBuilder output)
    {
        // Parenthesise every operand that binds more loosely than this node, so the printed text re-parses to the same tree.
        PrintOperand(output, Left, isRight: false);
        output.Append(Operator == LogicalOperator.And ? " and " : " or ");
        PrintOperand(output, Right, isRight: true);
    }

    private void PrintOperand(StringBuilder output, FilterNode operand, bool isRight)
    {
        var needsParentheses =
            operand is LogicalFilter inner
            && (inner.Operator != Operator || isRight || (Operator == LogicalOperator.And && inner.Operator == LogicalOperator.Or));
        if (needsParentheses)
        {
            output.Append('(');
            operand.Print(output);
            output.Append(')');
        }
        else
        {
            operand.Print(output);
        }
    }
}

public sealed record NotFilter(FilterNode Inner) : FilterNode
{
    public override void Print(StringBuilder output)
    {
        output.Append("not (");
        Inner.Print(output);
        output.Append(')');
    }
}

/// <summary><c>emails[type eq "work" and value co "@example.com"]</c>: some value of a multi-valued attribute matches.</summary>
public sealed record ValuePathFilter(AttributePath Path, FilterNode Inner) : FilterNode
{
    public override void Print(StringBuilder output)
    {
        output.Append(Path).Append('[');
        Inner.Print(output);
        output.Append(']');
    }
}
