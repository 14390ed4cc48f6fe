using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Recording;

/// <summary>An entry that shows a row of the report: its id and the first reason.</summary>
public sealed record CompatibilityExample(string EntryId, string Reason);

/// <summary>One request shape from one IdP: how many would succeed on Cloudflare, how many fail, with an example each.</summary>
public sealed record CompatibilityRow(
    string Idp,
    string Shape,
    int Total,
    int Accepted,
    int AcceptedDifferently,
    int Rejected,
    int Unknown,
    CompatibilityExample? ExampleSuccess,
    CompatibilityExample? ExampleFailure
);

/// <summary>
/// Would the recorded traffic of an account have worked against Cloudflare's API? Counts by IdP dialect and request
/// shape over a time range (the admin API's <c>provisioning_log/compatibility</c> and the <c>compat-report</c> verb).
/// </summary>
public sealed record CompatibilityReport(
    string AccountId,
    DateTime? Since,
    DateTime? Before,
    int Total,
    int WouldSucceed,
    int WouldFail,
    int Unknown,
    IReadOnlyList<CompatibilityRow> Rows
)
{
    public static async Task<CompatibilityReport> BuildAsync(
        ScimDbContext db,
        string accountId,
        DateTime? since,
        DateTime? before,
        CancellationToken cancellationToken
    )
    {
        var entries = db.ProvisioningLog.AsNoTracking().Where(e => e.AccountId == accountId);
        if (since is { } from)
        {
            entries = entries.Where(e => e.OccurredAt >= from);
        }

        if (before is { } until)
        {
            entries = entries.Where(e => e.OccurredAt < until);
        }

        var rows = await entries
            .OrderBy(e => e.Key)
            .Select(e => new
            {
                e.Id,
                e.Dialect,
                e.Shape,
                e.Verdict,
                e.VerdictReasons,
            })
            .ToListAsync(cancellationToken);
        var grouped = rows.GroupBy(r => (r.Dialect, r.Shape))
            .OrderBy(g => g.Key.Dialect, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Shape, StringComparer.Ordinal)
            .Select(g =>
            {
                int Count(string verdict) => g.Count(r => r.Verdict == verdict);
                var success =
                    g.FirstOrDefault(r => r.Verdict == CompatibilityVerdicts.AcceptedDifferently)
                    ?? g.FirstOrDefault(r => r.Verdict == CompatibilityVerdicts.Accepted);
                var failure = g.FirstOrDefault(r => r.Verdict == CompatibilityVerdicts.Rejected);
                return new CompatibilityRow(
                    g.Key.Dialect,
                    g.Key.Shape,
                    g.Count(),
                    Count(CompatibilityVerdicts.Accepted),
                    Count(CompatibilityVerdicts.AcceptedDifferently),
                    Count(CompatibilityVerdicts.Rejected),
                    Count(CompatibilityVerdicts.Unknown),
                    success is null ? null : new CompatibilityExample(success.Id, FirstReason(success.VerdictReasons)),
                    failure is null ? null : new CompatibilityExample(failure.Id, FirstReason(failure.VerdictReasons))
                );
            })
            .ToList();
        return new CompatibilityReport(
            accountId,
            since,
            before,
            rows.Count,
            grouped.Sum(r => r.Accepted + r.AcceptedDifferently),
            grouped.Sum(r => r.Rejected),
            grouped.Sum(r => r.Unknown),
            grouped
        );
    }

    private static string FirstReason(string? reasons) =>
        reasons is null ? "" : System.Text.Json.JsonSerializer.Deserialize<string[]>(reasons)?.FirstOrDefault() ?? "";

    /// <summary>The report as text for a terminal (the <c>compat-report</c> verb without <c>--json</c>).</summary>
    public string ToText()
    {
        var text = new System.Text.StringBuilder();
        text.Append("Cloudflare compatibility for account ").Append(AccountId);
        text.Append(Since is null ? "" : $" since {Since:O}").Append(Before is null ? "" : $" before {Before:O}").Append('\n');
        text.Append($"{Total} requests: {WouldSucceed} would succeed on Cloudflare, {WouldFail} would fail, {Unknown} unknown\n");
        foreach (var row in Rows)
        {
            text.Append($"\n[{row.Idp}] {row.Shape}: {row.Total} — {row.Accepted} accepted");
            text.Append(row.AcceptedDifferently > 0 ? $", {row.AcceptedDifferently} accepted differently" : "");
            text.Append(row.Rejected > 0 ? $", {row.Rejected} rejected" : "").Append(row.Unknown > 0 ? $", {row.Unknown} unknown" : "");
            text.Append('\n');
            if (row.ExampleFailure is { } failure)
            {
                text.Append($"    fails, e.g. {failure.EntryId}: {failure.Reason}\n");
            }

            if (row.ExampleSuccess is { } success && row.AcceptedDifferently > 0)
            {
                text.Append($"    succeeds, e.g. {success.EntryId}: {success.Reason}\n");
            }
        }

        return text.ToString();
    }
}
