using System.Buffers;
using System.Globalization;
using System.Text;
using ScimProvisioning.Scim.Errors;

namespace ScimProvisioning.Scim.Filtering;

/// <summary>
/// Recursive-descent parser for the filter grammar of RFC 7644 §3.4.2.2, with precedence not &gt; and &gt; or.
/// Leniencies IdPs need: operators and keywords in any case, unquoted values (Entra's old <c>externalId eq jyoung</c>)
/// and Entra's <c>emails[type eq "work"].value eq "x"</c>, read as <c>emails[type eq "work" and value eq "x"]</c>.
/// </summary>
public sealed class ScimFilterParser
{
    public const int DefaultMaxDepth = 32;

    private static readonly SearchValues<char> AsciiLetters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private readonly string _text;
    private readonly int _maxDepth;
    private int _position;
    private int _depth;

    private ScimFilterParser(string text, int maxDepth)
    {
        _text = text;
        _maxDepth = maxDepth;
    }

    public static FilterNode Parse(string text, int maxDepth = DefaultMaxDepth)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw ScimException.InvalidFilter("The filter is empty.");
        }

        var parser = new ScimFilterParser(text, maxDepth);
        var node = parser.ParseOr(insideValuePath: false);
        parser.SkipWhitespace();
        if (parser._position < text.Length)
        {
            throw parser.Error($"unexpected '{parser.Peek()}'");
        }

        return node;
    }

    /// <summary>Parses a PATCH path (RFC 7644 §3.5.2): <c>attrPath</c> or <c>attr[valFilter][.subAttr]</c>.</summary>
    public static (AttributePath Path, FilterNode? ValueFilter, string? SubAttribute) ParsePatchPath(string text)
    {
        var open = text.IndexOf('[', StringComparison.Ordinal);
        if (open < 0)
        {
            var path = AttributePath.TryParse(text.Trim()) ?? throw ScimException.InvalidPath($"'{text}' is not a valid attribute path.");
            return (path, null, null);
        }

        var close = text.LastIndexOf(']');
        var attribute = AttributePath.TryParse(text[..open].Trim());
        if (attribute is null || attribute.SubAttribute is not null || close < open)
        {
            throw ScimException.InvalidPath($"'{text}' is not a valid value path.");
        }

        string? sub = null;
        var tail = text[(close + 1)..].Trim();
        if (tail.Length > 0)
        {
            if (tail[0] != '.' || !AttributePath.IsAttributeName(tail[1..]))
            {
                throw ScimException.InvalidPath($"'{text}' has an invalid sub-attribute after the value filter.");
            }

            sub = tail[1..];
        }

        FilterNode filter;
        try
        {
            var parser = new ScimFilterParser(text[(open + 1)..close], DefaultMaxDepth);
            filter = parser.ParseOr(insideValuePath: true);
            parser.SkipWhitespace();
            if (parser._position < parser._text.Length)
            {
                throw parser.Error($"unexpected '{parser.Peek()}'");
            }
        }
        catch (ScimException e) when (e.ScimType == ScimErrorTypes.InvalidFilter)
        {
            throw ScimException.InvalidPath($"The value filter of path '{text}' is invalid: {e.Detail}");
        }

        return (attribute, filter, sub);
    }

    private ScimException Error(string problem) => ScimException.InvalidFilter($"Invalid filter at position {_position + 1}: {problem}.");

    private FilterNode ParseOr(bool insideValuePath)
    {
        var left = ParseAnd(insideValuePath);
        while (TryKeyword("or"))
        {
            left = new LogicalFilter(LogicalOperator.Or, left, ParseAnd(insideValuePath));
        }

        return left;
    }

    private FilterNode ParseAnd(bool insideValuePath)
    {
        var left = ParseNot(insideValuePath);
        while (TryKeyword("and"))
        {
            left = new LogicalFilter(LogicalOperator.And, left, ParseNot(insideValuePath));
        }

        return left;
    }

    private FilterNode ParseNot(bool insideValuePath)
    {
        if (TryKeyword("not"))
        {
            Enter();
            var inner = ParseNot(insideValuePath);
            _depth--;
            return new NotFilter(inner);
        }

        return ParsePrimary(insideValuePath);
    }

    private FilterNode ParsePrimary(bool insideValuePath)
    {
        SkipWhitespace();
        if (Peek() == '(')
        {
            _position++;
            Enter();
            var inner = ParseOr(insideValuePath);
            _depth--;
            Expect(')');
            return inner;
        }

        return ParseAttributeExpression(insideValuePath);
    }

    private FilterNode ParseAttributeExpression(bool insideValuePath)
    {
        var start = _position;
        var word = ReadWord();
        if (word.Length == 0)
        {
            throw Error(
                _position >= _text.Length
                    ? "expected an attribute name but the filter ended"
                    : $"expected an attribute name, found '{Peek()}'"
            );
        }

        var path = AttributePath.TryParse(word);
        if (path is null)
        {
            _position = start;
            throw Error($"'{word}' is not a valid attribute name");
        }

        if (Peek() == '[')
        {
            if (insideValuePath)
            {
                throw Error("value filters cannot be nested");
            }

            if (path.SubAttribute is not null)
            {
                throw Error($"'{word}' cannot take a value filter");
            }

            _position++;
            Enter();
            var inner = ParseOr(insideValuePath: true);
            _depth--;
            Expect(']');
            if (Peek() == '.')
            {
                // Entra: emails[type eq "work"].value eq "x"
                _position++;
                var sub = ReadWord();
                if (!AttributePath.IsAttributeName(sub))
                {
                    throw Error($"'{sub}' is not a valid sub-attribute name");
                }

                var comparison = ParseComparison(new AttributePath(null, sub));
                return new ValuePathFilter(path, new LogicalFilter(LogicalOperator.And, inner, comparison));
            }

            return new ValuePathFilter(path, inner);
        }

        return ParseComparison(path);
    }

    private ComparisonFilter ParseComparison(AttributePath path)
    {
        var operatorStart = _position;
        var operatorWord = ReadWord();
        if (operatorWord.Length == 0)
        {
            throw Error($"expected an operator after '{path}'");
        }

        if (
            !Enum.TryParse<ComparisonOperator>(operatorWord, ignoreCase: true, out var op)
            || operatorWord.AsSpan().ContainsAnyExcept(AsciiLetters)
        )
        {
            _position = operatorStart;
            throw Error($"'{operatorWord}' is not a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)");
        }

        if (op == ComparisonOperator.Pr)
        {
            return new ComparisonFilter(path, op, null);
        }

        return new ComparisonFilter(path, op, ReadValue(op));
    }

    private FilterValue ReadValue(ComparisonOperator op)
    {
        SkipWhitespace();
        if (_position >= _text.Length)
        {
            throw Error($"expected a value after '{op.ToString().ToLowerInvariant()}'");
        }

        if (Peek() == '"')
        {
            return FilterValue.String(ReadString());
        }

        var word = ReadWord();
        if (word.Length == 0)
        {
            throw Error($"expected a value, found '{Peek()}'");
        }

        if (string.Equals(word, "true", StringComparison.OrdinalIgnoreCase))
        {
            return FilterValue.True;
        }

        if (string.Equals(word, "false", StringComparison.OrdinalIgnoreCase))
        {
            return FilterValue.False;
        }

        if (string.Equals(word, "null", StringComparison.OrdinalIgnoreCase))
        {
            return FilterValue.Null;
        }

        if (IsJsonNumber(word))
        {
            return new FilterValue(FilterValueKind.Number, word);
        }

        // Lenient: an unquoted value is read as a string (Entra's documented `externalId eq jyoung`).
        return FilterValue.String(word);
    }

    private static bool IsJsonNumber(string word) =>
        (char.IsAsciiDigit(word[0]) || (word[0] == '-' && word.Length > 1 && char.IsAsciiDigit(word[1])))
        && decimal.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        && !word.Contains(':', StringComparison.Ordinal);

    private string ReadString()
    {
        var start = _position;
        _position++; // opening quote
        // Most values have no escape: the text up to the closing quote is the value.
        var plain = _text.AsSpan(_position).IndexOfAny('"', '\\');
        if (plain >= 0 && _text[_position + plain] == '"')
        {
            var text = _text.Substring(_position, plain);
            _position += plain + 1;
            return text;
        }

        var value = new StringBuilder();
        while (_position < _text.Length)
        {
            var c = _text[_position++];
            if (c == '"')
            {
                return value.ToString();
            }

            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            if (_position >= _text.Length)
            {
                break;
            }

            var escaped = _text[_position++];
            switch (escaped)
            {
                case '"':
                    value.Append('"');
                    break;
                case '\\':
                    value.Append('\\');
                    break;
                case '/':
                    value.Append('/');
                    break;
                case 'b':
                    value.Append('\b');
                    break;
                case 'f':
                    value.Append('\f');
                    break;
                case 'n':
                    value.Append('\n');
                    break;
                case 'r':
                    value.Append('\r');
                    break;
                case 't':
                    value.Append('\t');
                    break;
                case 'u'
                    when _position + 4 <= _text.Length
                        && int.TryParse(_text.AsSpan(_position, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                    value.Append((char)code);
                    _position += 4;
                    break;
                default:
                    _position--;
                    throw Error($"invalid escape '\\{escaped}' in string");
            }
        }

        _position = start;
        throw Error("unterminated string");
    }

    private string ReadWord()
    {
        SkipWhitespace();
        var start = _position;
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (char.IsWhiteSpace(c) || c is '(' or ')' or '[' or ']' or '"')
            {
                break;
            }

            // A '.' right after ']' belongs to the caller; inside a word it separates attribute and sub-attribute.
            _position++;
        }

        return _text[start.._position];
    }

    private bool TryKeyword(string keyword)
    {
        SkipWhitespace();
        var end = _position + keyword.Length;
        if (end > _text.Length || !_text.AsSpan(_position, keyword.Length).Equals(keyword, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // The keyword must stand alone: followed by whitespace or '('.
        if (end < _text.Length && !char.IsWhiteSpace(_text[end]) && _text[end] != '(')
        {
            return false;
        }

        _position = end;
        return true;
    }

    private void Expect(char c)
    {
        SkipWhitespace();
        if (Peek() != c)
        {
            throw Error(_position >= _text.Length ? $"expected '{c}' but the filter ended" : $"expected '{c}', found '{Peek()}'");
        }

        _position++;
    }

    private void Enter()
    {
        if (++_depth > _maxDepth)
        {
            throw Error($"nesting is deeper than {_maxDepth} levels");
        }
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private void SkipWhitespace()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }
}
