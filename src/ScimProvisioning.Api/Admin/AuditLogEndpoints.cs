using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Admin;

/// <summary>The audit log (SPEC §7): every SCIM and admin write, refusals included, newest first.</summary>
public static class AuditLogEndpoints
{
    public sealed record Query(
        [property: FromQuery(Name = "page")] int? Page,
        [property: FromQuery(Name = "per_page")] int? PerPage,
        [property: FromQuery(Name = "action")] string? Action,
        [property: FromQuery(Name = "actor")] string? Actor,
        [property: FromQuery(Name = "resource_id")] string? ResourceId,
        [property: FromQuery(Name = "outcome")] string? Outcome,
        [property: FromQuery(Name = "since")] DateTime? Since,
        [property: FromQuery(Name = "before")] DateTime? Before
    );

    public static RouteGroupBuilder MapAdminAuditLogs(this RouteGroupBuilder accounts)
    {
        accounts
            .MapGet("/audit_logs", List)
            .WithTags("Audit log")
            .RequireAuthorization(Policies.AuditRead)
            .WithName("ListAuditLogs")
            .WithSummary("Audit events, newest first; filter by action, actor (token id), resource_id, outcome, since, before");
        return accounts;
    }

    private static async Task<Envelope<List<AuditEventView>>> List(
        string account_id,
        [AsParameters] Query query,
        ScimDbContext db,
        CancellationToken cancellationToken
    )
    {
        var (page, perPage) = new PageQuery(query.Page, query.PerPage).Resolve(50, 1, 1000);
        var events = db.AuditEvents.AsNoTracking().Where(e => e.AccountId == account_id);
        if (query.Action is not null)
        {
            events = events.Where(e => e.Action == query.Action);
        }

        if (query.Actor is not null)
        {
            events = events.Where(e => e.ActorTokenId == query.Actor);
        }

        if (query.ResourceId is not null)
        {
            events = events.Where(e => e.ResourceId == query.ResourceId);
        }

        if (query.Outcome is not null)
        {
            events = events.Where(e => e.Outcome == query.Outcome);
        }

        if (query.Since is { } since)
        {
            var from = since.ToUniversalTime();
            events = events.Where(e => e.OccurredAt >= from);
        }

        if (query.Before is { } before)
        {
            var until = before.ToUniversalTime();
            events = events.Where(e => e.OccurredAt < until);
        }

        var total = await events.CountAsync(cancellationToken);
        var items = await events.OrderByDescending(e => e.Key).Skip((page - 1) * perPage).Take(perPage).ToListAsync(cancellationToken);
        var actors = items.Select(e => e.ActorTokenId).Distinct().ToList();
        var names = await db
            .ApiTokens.AsNoTracking()
            .Where(t => actors.Contains(t.Id))
            .Select(t => new { t.Id, t.Name })
            .ToDictionaryAsync(t => t.Id, t => t.Name, StringComparer.Ordinal, cancellationToken);
        var result = items.Select(e => AuditEventView.From(e, names.GetValueOrDefault(e.ActorTokenId))).ToList();
        return CloudflareResults.Ok(result, PageQuery.Info(page, perPage, result.Count, total));
    }
}
