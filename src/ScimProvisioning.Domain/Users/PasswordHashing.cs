using System.Security.Cryptography;

namespace ScimProvisioning.Domain.Users;

/// <summary>PBKDF2-SHA256 with a random salt. A SCIM password is stored only like this and is never returned.</summary>
public static class PasswordHashing
{
    private const int Iterations = 100_000;

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (
            parts.Length != 4
            || parts[0] != "pbkdf2-sha256"
            || !int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var iterations)
        )
        {
            return false;
        }

        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(
            password,
            Convert.FromBase64String(parts[2]),
            iterations,
            HashAlgorithmName.SHA256,
            expected.Length
        );
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
