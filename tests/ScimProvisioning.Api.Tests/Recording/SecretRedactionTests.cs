using ScimProvisioning.Api.Recording;

namespace ScimProvisioning.Api.Tests.Recording;

/// <summary>No password or token survives into a recorded body, whatever shape the body has.</summary>
public sealed class SecretRedactionTests
{
    private const string Jwt = "eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiIxMjM0NTY3OCJ9.c2lnbmF0dXJlLXZhbHVl";

    [Theory]
    [InlineData("""{"userName":"a@b","password":"hunter2"}""", """{"userName":"a@b","password":"[redacted]"}""")]
    [InlineData("""{"userName":"a@b","PassWord":"hunter2"}""", """{"userName":"a@b","PassWord":"[redacted]"}""")]
    [InlineData(
        """{"Operations":[{"op":"replace","path":"password","value":"hunter2"}]}""",
        """{"Operations":[{"op":"replace","path":"password","value":"[redacted]"}]}"""
    )]
    [InlineData(
        """{"Operations":[{"op":"replace","value":{"password":"hunter2","title":"x"}}]}""",
        """{"Operations":[{"op":"replace","value":{"password":"[redacted]","title":"x"}}]}"""
    )]
    [InlineData(
        """{"urn:ietf:params:scim:schemas:core:2.0:User:password":"hunter2"}""",
        """{"urn:ietf:params:scim:schemas:core:2.0:User:password":"[redacted]"}"""
    )]
    [InlineData(
        """{"Operations":[{"method":"POST","path":"/Users","data":{"userName":"x","password":"hunter2"}}]}""",
        """{"Operations":[{"method":"POST","path":"/Users","data":{"userName":"x","password":"[redacted]"}}]}"""
    )]
    public void Passwords_in_json_bodies_are_replaced_byte_for_byte(string body, string expected)
    {
        Assert.Equal(expected, SecretRedaction.Redact(body, out var changed));
        Assert.True(changed);
    }

    [Fact]
    public void A_body_that_is_not_json_is_scrubbed_by_pattern()
    {
        var redacted = SecretRedaction.Redact("""{"userName":"a@b","password":"hun\"ter2", oops""", out var changed);

        Assert.True(changed);
        Assert.DoesNotContain("hun", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("ter2", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_key_spelled_with_json_escapes_is_found_through_the_tree()
    {
        var redacted = SecretRedaction.Redact("{\"p\\u0061ssword\":\"Escaped-secret\"}", out var changed);
        Assert.True(changed);
        Assert.DoesNotContain("Escaped-secret", redacted, StringComparison.Ordinal);
        var malformed = SecretRedaction.Redact("{\"p\\u0061ssword\":\"Escaped-secret\", oops", out changed);
        Assert.True(changed);
        Assert.DoesNotContain("Escaped-secret", malformed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_cut_off_by_truncation_is_scrubbed_too()
    {
        var redacted = SecretRedaction.Redact("{\"userName\":\"a\",\"password\":\"Half-a-pass", out var changed);
        Assert.True(changed);
        Assert.DoesNotContain("Half", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Bearer_tokens_are_removed_wherever_they_appear()
    {
        var redacted = SecretRedaction.Redact($$"""{"note":"Bearer {{Jwt}}"}""", out var changed);

        Assert.True(changed);
        Assert.Equal("""{"note":"Bearer [redacted]"}""", redacted);
    }

    [Fact]
    public void A_body_without_secrets_is_kept_exactly()
    {
        const string body = """{ "userName" : "a@b", "title": "Password manager" }""";

        Assert.Equal(body, SecretRedaction.Redact(body, out var changed));
        Assert.False(changed);
    }
}
