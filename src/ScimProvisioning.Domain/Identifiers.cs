using System.Security.Cryptography;

namespace ScimProvisioning.Domain;

/// <summary>Cloudflare-style ids: 32 lowercase hex characters ("tags").</summary>
public static class Identifiers
{
    public static string NewTag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsTag(string? value) =>
        value is { Length: 32 } && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>A stable tag derived from a name: identical on every install.</summary>
    public static string StableTag(string seed) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)))[..32];

    /// <summary>The key identifiers are compared by: userName and displayName are unique case-insensitively.</summary>
    public static string NormalizeKey(string value) => value.ToLowerInvariant();
}
