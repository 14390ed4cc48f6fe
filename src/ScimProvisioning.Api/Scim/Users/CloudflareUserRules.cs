using System.Net.Mail;
using FluentValidation;

namespace ScimProvisioning.Api.Scim.Users;

/// <summary>What a Cloudflare-profile User body must satisfy (Cloudflare API: POST/PUT /scim/v2/Users).</summary>
public sealed record CloudflareUserDraft(string? UserName, string? PrimaryEmail, bool HasEmails, bool? Active, bool IsCreate);

public sealed class CloudflareUserRules : AbstractValidator<CloudflareUserDraft>
{
    public CloudflareUserRules()
    {
        RuleFor(d => d.UserName).NotEmpty().WithMessage("userName is required.")
            .Must(BeAnEmailAddress).WithMessage("Cloudflare requires userName to be an email address.");
        When(d => d.IsCreate, () =>
        {
            RuleFor(d => d.HasEmails).Equal(true).WithMessage("Cloudflare requires 'emails' with a primary email equal to userName.");
            RuleFor(d => d.Active).NotEqual(false).WithMessage("Cloudflare provisions only active users: 'active' must be true on POST.");
        });
        RuleFor(d => d.PrimaryEmail)
            .Must((draft, email) => email is null || string.Equals(email, draft.UserName, StringComparison.OrdinalIgnoreCase))
            .WithMessage("Cloudflare requires the primary email to equal userName.");
    }

    private static bool BeAnEmailAddress(string? value) =>
        value is not null && MailAddress.TryCreate(value, out var address) && address.Address == value && value.Contains('@', StringComparison.Ordinal);
}
