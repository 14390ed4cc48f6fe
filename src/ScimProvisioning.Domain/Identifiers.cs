using System.Security.Cryptography;

namespace ScimProvisioning.Domain;

/// <summary>Cloudflare-style ids: 32 lowercase hex characters ("tags").</summary>
public static class Identifiers
{
    /// <summary>
    /// A new tag: the creation time in milliseconds (12 hex characters, as a version 7 UUID starts) followed by 80
    /// random bits. Tags made later sort after earlier ones, so a new row's id lands at the end of its unique index
    /// instead of on a random page of it: a user create writes ids into eight indexes (user, member, policy, audit
    /// event, log entry, event), and random keys made each of them dirty a page of its own in every commit.
    /// </summary>
    public static string NewTag() => NewTag(DateTimeOffset.UtcNow);

    /// <summary>A new tag made at <paramref name="now"/> (see <see cref="NewTag()"/>).</summary>
    public static string NewTag(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        var milliseconds = (ulong)Math.Max(0, now.ToUnixTimeMilliseconds());
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(milliseconds >> (8 * (5 - i)));
        }

        RandomBits().CopyTo(bytes[6..]);
        return Convert.ToHexStringLower(bytes);
    }

    private const int RandomBytesPerTag = 10;
    private const int TagsPerFill = 64;

    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_randomLeft;

    /// <summary>
    /// A tag's 80 random bits, from the cryptographic generator filled for 64 tags at once: each fill is a call into
    /// OpenSSL that costs far more than the bytes (~3 % of a POST /Users, which makes eight tags, when filled per tag).
    /// </summary>
    private static ReadOnlySpan<byte> RandomBits()
    {
        var random = t_random ??= new byte[RandomBytesPerTag * TagsPerFill];
        if (t_randomLeft == 0)
        {
            RandomNumberGenerator.Fill(random);
            t_randomLeft = TagsPerFill;
        }

        t_randomLeft--;
        return random.AsSpan(t_randomLeft * RandomBytesPerTag, RandomBytesPerTag);
    }

    public static bool IsTag(string? value) => value is { Length: 32 } && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>A stable tag derived from a name: identical on every install.</summary>
    public static string StableTag(string seed) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)))[..32];

    /// <summary>Longest identifier text (userName, externalId, group names, member emails) accepted.</summary>
    public const int MaxLength = 1024;

    /// <summary>
    /// Identifiers are shown in dashboards, logs and audit entries and matched by IdPs: they must be 1 to
    /// <see cref="MaxLength"/> characters without control characters (NUL, newlines, escapes) or lone surrogates.
    /// </summary>
    public static void CheckText(string? value, string field, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required || value is { Length: > 0 })
            {
                throw new DomainException(
                    DomainErrorKind.Invalid,
                    $"{field} is required and must not be empty.",
                    field,
                    Changes.ProvisioningRules.IdentifierText
                );
            }

            return;
        }

        if (value.Length > MaxLength)
        {
            throw new DomainException(
                DomainErrorKind.Invalid,
                $"{field} is longer than {MaxLength} characters.",
                field,
                Changes.ProvisioningRules.IdentifierText
            );
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (
                char.IsControl(c)
                || (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[++i])))
            )
            {
                throw new DomainException(
                    DomainErrorKind.Invalid,
                    $"{field} must not contain control characters or invalid Unicode.",
                    field,
                    Changes.ProvisioningRules.IdentifierText
                );
            }
        }
    }

    /// <summary>The key identifiers are compared by: userName and displayName are unique case-insensitively.</summary>
    public static string NormalizeKey(string value) => value.ToLowerInvariant();
}
