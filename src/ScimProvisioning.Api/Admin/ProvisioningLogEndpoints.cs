using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Api.Recording;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Recording;

namespace ScimProvisioning.Api.Admin;

/// <summary>
/// The provisioning flight recorder's entries (an extension; docs/recorder.md): list, get, export as JSON lines, the
/// Cloudflare compatibility report and the recorder's status. Bodies are shown, so reading needs Account Settings: Read.
/// </summary>
public static class ProvisioningLogEndpoints
{
    public sealed record Query(
        [property: FromQuery(Name = "page")] int? Page,
        [property: FromQuery(Name = "per_page")] int? PerPage,
        [property: FromQuery(Name = "idp")] string? Idp,
        [property: FromQuery(Name = "resource")] string? Resource,
        [property: FromQuery(Name = "method")] string? Method,
        [property: FromQuery(Name = "outcome")] string? Outcome,
        [property: FromQuery(Name = "verdict")] string? Verdict,
        [property: FromQuery(Name = "token")] string? Token,
        [property: FromQuery(Name = "since")] DateTime? Since,
        [property: FromQuery(Name = "before")] DateTime? Before
    );

    public sealed record RangeQuery(
        [property: FromQuery(Name = "since")] DateTime? Since,
        [property: FromQuery(Name = "before")] DateTime? Before
    );

    public static RouteGroupBuilder MapAdminProvisioningLog(this RouteGroupBuilder accounts)
    {
        var log = accounts.MapGroup("/provisioning_log").WithTags("Provisioning log").RequireAuthorization(Policies.AuditRead);
        log.MapGet("", List)
            .WithName("ListProvisioningLog")
            .WithSummary(
                "SCIM requests as recorded, newest first; filter by idp, resource, method, outcome, verdict, token, since, before"
            );
        log.MapGet("/export", Export)
            .WithName("ExportProvisioningLog")
            .WithSummary("The entries (same filters) as JSON lines, oldest first: what `replay` reads")
            .Produces<string>(StatusCodes.Status200OK, "application/x-ndjson");
        log.MapGet("/compatibility", Compatibility)
            .WithName("ProvisioningLogCompatibility")
            .WithSummary("Would Cloudflare accept the recorded requests: counts by IdP and request shape, with examples");
        log.MapGet("/status", Status)
            .WithName("ProvisioningLogStatus")
            .WithSummary("The recorder: queue depth, dropped entries, retention");
        log.MapGet("/{entry_id}", Get)
            .WithName("GetProvisioningLogEntry")
            .WithSummary("One entry with bodies, interpretation, changes and verdict");
        return accounts;
    }

    private static async Task<Envelope<List<LogEntrySummaryView>>> List(
        string account_id,
        [AsParameters] Query query,
        ScimDbContext db,
        CancellationToken cancellationToken
    )
    {
        var (page, perPage) = new PageQuery(query.Page, query.PerPage).Resolve(50, 1, 1000);
        var entries = Filter(db, account_id, query);
        var total = await entries.CountAsync(cancellationToken);
        var items = await entries.OrderByDescending(e => e.Key).Skip((page - 1) * perPage).Take(perPage).ToListAsync(cancellationToken);
        var result = items.Select(LogEntrySummaryView.From).ToList();
        return CloudflareResults.Ok(result, PageQuery.Info(page, perPage, result.Count, total));
    }

    private static async Task<Results<Envelope<LogEntryView>, EnvelopeNotFound>> Get(
        string account_id,
        string entry_id,
        ScimDbContext db,
        CancellationToken cancellationToken
    )
    {
        var entry = await db
            .ProvisioningLog.AsNoTracking()
            .FirstOrDefaultAsync(e => e.AccountId == account_id && e.Id == entry_id, cancellationToken);
        return entry is null
            ? CloudflareResults.NotFound($"No provisioning log entry '{Short(entry_id)}' in this account.")
            : CloudflareResults.Ok(LogEntryView.From(entry));
    }

    /// <summary>Streams the entries oldest first, one JSON object per line, in pages so memory stays flat.</summary>
    private static async Task Export(string account_id, [AsParameters] Query query, HttpContext http, ScimDbContext db)
    {
        http.Response.ContentType = "application/x-ndjson; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"provisioning-log-{account_id}.jsonl\"";
        var entries = Filter(db, account_id, query);
        var after = 0L;
        while (true)
        {
            var from = after;
            var page = await entries.Where(e => e.Key > from).OrderBy(e => e.Key).Take(500).ToListAsync(http.RequestAborted);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var entry in page)
            {
                await http.Response.WriteAsync(
                    JsonSerializer.Serialize(LogEntryView.From(entry), CloudflareEnvelope.JsonOptions),
                    http.RequestAborted
                );
                await http.Response.WriteAsync("\n", http.RequestAborted);
            }

            after = page[^1].Key;
        }
    }

    private static async Task<Envelope<CompatibilityReport>> Compatibility(
        string account_id,
        [AsParameters] RangeQuery query,
        ScimDbContext db,
        CancellationToken cancellationToken
    ) =>
        CloudflareResults.Ok(
            await CompatibilityReport.BuildAsync(
                db,
                account_id,
                query.Since?.ToUniversalTime(),
                query.Before?.ToUniversalTime(),
                cancellationToken
            )
        );

    private static Envelope<RecorderStatusView> Status(ProvisioningRecorder recorder, IOptions<RecorderOptions> options)
    {
        var settings = options.Value;
        return CloudflareResults.Ok(
            new RecorderStatusView(
                settings.Enabled,
                recorder.Depth,
                settings.QueueCapacity,
                recorder.Written,
                recorder.Dropped,
                recorder.Failed,
                settings.RetentionDays,
                settings.MaxEntriesPerAccount,
                settings.MaxBodyBytes
            )
        );
    }

    private static IQueryable<ProvisioningLogEntry> Filter(ScimDbContext db, string accountId, Query query)
    {
        var entries = db.ProvisioningLog.AsNoTracking().Where(e => e.AccountId == accountId);
        if (query.Idp is { Length: > 0 } idp)
        {
            entries = entries.Where(e => e.Dialect == idp.ToLowerInvariant());
        }

        if (query.Resource is { Length: > 0 } resource)
        {
            entries = entries.Where(e => e.Resource == resource);
        }

        if (query.Method is { Length: > 0 } method)
        {
            entries = entries.Where(e => e.Method == method.ToUpperInvariant());
        }

        if (query.Outcome is { Length: > 0 } outcome)
        {
            entries = entries.Where(e => e.Outcome == outcome);
        }

        if (query.Verdict is { Length: > 0 } verdict)
        {
            entries = entries.Where(e => e.Verdict == verdict);
        }

        if (query.Token is { Length: > 0 } token)
        {
            entries = entries.Where(e => e.TokenId == token);
        }

        if (query.Since is { } since)
        {
            var from = since.ToUniversalTime();
            entries = entries.Where(e => e.OccurredAt >= from);
        }

        if (query.Before is { } before)
        {
            var until = before.ToUniversalTime();
            entries = entries.Where(e => e.OccurredAt < until);
        }

        return entries;
    }

    private static string Short(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
