using System.Net.Mail;
using FluentValidation;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Changes;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Api.Scim.Profiles;

/// <summary>
/// What a Cloudflare-profile user must satisfy (Cloudflare API: POST/PUT/PATCH /scim/v2/Users): userName is an email
/// equal to the primary email; a creation carries emails and is active.
/// </summary>
public sealed class CloudflareUserRules : IUserRules
{
    private readonly Validator validator = new();

    public void Check(User user, UserWriteKind kind)
    {
        if (kind == UserWriteKind.Admin)
        {
            return;
        }

        var primary = user.Emails.FirstOrDefault(e => e.Primary)?.Value ?? (user.Emails.Count == 1 ? user.Emails[0].Value : null);
        var result = validator.Validate(
            new Draft(user.UserName, primary, user.Emails.Count > 0, user.Active, kind == UserWriteKind.ScimCreate)
        );
        if (!result.IsValid)
        {
            throw new DomainException(
                DomainErrorKind.Invalid,
                string.Join(" ", result.Errors.Select(e => e.ErrorMessage).Distinct(StringComparer.Ordinal)),
                "userName",
                ProvisioningRules.ProfileRule
            );
        }
    }

    private sealed record Draft(string? UserName, string? PrimaryEmail, bool HasEmails, bool Active, bool IsCreate);

    private sealed class Validator : AbstractValidator<Draft>
    {
        public Validator()
        {
            RuleFor(d => d.UserName)
                .NotEmpty()
                .WithMessage("userName is required.")
                .Must(BeAnEmailAddress)
                .WithMessage("Cloudflare requires userName to be an email address.");
            When(
                d => d.IsCreate,
                () =>
                {
                    RuleFor(d => d.HasEmails)
                        .Equal(true)
                        .WithMessage("Cloudflare requires 'emails' with a primary email equal to userName.");
                    RuleFor(d => d.Active)
                        .NotEqual(false)
                        .WithMessage("Cloudflare provisions only active users: 'active' must be true on POST.");
                }
            );
            RuleFor(d => d.PrimaryEmail)
                .Must((draft, email) => email is null || string.Equals(email, draft.UserName, StringComparison.OrdinalIgnoreCase))
                .WithMessage("Cloudflare requires the primary email to equal userName.");
        }

        private static bool BeAnEmailAddress(string? value) =>
            value is not null
            && MailAddress.TryCreate(value, out var address)
            && address.Address == value
            && value.Contains('@', StringComparison.Ordinal);
    }
}
