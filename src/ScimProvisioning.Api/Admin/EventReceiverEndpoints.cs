using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Api.Events;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Events;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Admin;

/// <summary>The receiver's registration as the admin API shows it; the secret is never shown again.</summary>
public sealed record EventReceiverView(string Id, string Name, string Kind, string? Url, string Mode, DateTime CreatedOn)
{
    public static EventReceiverView From(EventReceiver r) => new(r.Id, r.Name, r.Kind, r.Url, r.Mode, r.Created);
}

/// <summary>One event's delivery to one receiver.</summary>
public sealed record EventDeliveryView(
    string Id,
    string EventId,
    string EventType,
    string? ResourceId,
    string Status,
    int Attempts,
    DateTime NextAttemptAt,
    string? LastError,
    DateTime? DeliveredAt
);

/// <summary>
/// Event receivers (an extension; docs/events.md): register a SET push endpoint, a webhook or a poll stream, list and
/// remove them, see their deliveries and re-deliver parked ones. Account Settings Write registers; Read lists.
/// </summary>
public static class EventReceiverEndpoints
{
    private const int MinSecretLength = 32;

    public static RouteGroupBuilder MapAdminEventReceivers(this RouteGroupBuilder accounts)
    {
        var receivers = accounts.MapGroup("/events/receivers").WithTags("Provisioning events");
        receivers
            .MapGet("", List)
            .RequireAuthorization(Policies.AuditRead)
            .WithName("ListEventReceivers")
            .WithSummary("Registered receivers");
        receivers
            .MapPost("", Register)
            .RequireAuthorization(Policies.SettingsWrite)
            .WithName("RegisterEventReceiver")
            .WithSummary("{name, kind: push|webhook|poll, url, secret (≥ 32 characters), mode: notice|full}");
        receivers
            .MapGet("/{receiver_id}", Get)
            .RequireAuthorization(Policies.AuditRead)
            .WithName("GetEventReceiver")
            .WithSummary("One receiver");
        receivers
            .MapDelete("/{receiver_id}", Remove)
            .RequireAuthorization(Policies.SettingsWrite)
            .WithName("RemoveEventReceiver")
            .WithSummary("Stop delivering to the receiver and forget its deliveries");
        receivers
            .MapGet("/{receiver_id}/deliveries", Deliveries)
            .RequireAuthorization(Policies.AuditRead)
            .WithName("ListEventDeliveries")
            .WithSummary("The receiver's deliveries, newest first; status=pending|delivered|parked");
        receivers
            .MapPost("/{receiver_id}/deliveries/{delivery_id}/retry", Retry)
            .RequireAuthorization(Policies.SettingsWrite)
            .WithName("RetryEventDelivery")
            .WithSummary("Deliver a parked event again");
        receivers
            .MapPost("/{receiver_id}/poll", Poll)
            .RequireAuthorization(Policies.AuditRead)
            .WithName("PollEvents")
            .WithSummary(
                "RFC 8936 poll: {ack: [jti], setErrs: {jti: {err, description}}, maxEvents, returnImmediately} → {sets, moreAvailable}"
            );
        return accounts;
    }

    /// <summary>RFC 8936's poll response: signed SETs by <c>jti</c>.</summary>
    public sealed record SetPollResponse(IReadOnlyDictionary<string, string> Sets, bool MoreAvailable);

    /// <summary>
    /// RFC 8936 poll-based delivery for a <c>poll</c> receiver: acknowledges (delivered) and refuses (parked) what the
    /// body names, then answers the oldest pending events as signed SETs; without <c>returnImmediately</c> it waits up
    /// to five seconds for one. The answer is the RFC's JSON, not the Cloudflare envelope.
    /// </summary>
    private static async Task<Results<JsonHttpResult<SetPollResponse>, EnvelopeNotFound>> Poll(
        string account_id,
        string receiver_id,
        HttpRequest request,
        ScimDbContext db,
        EventDispatcher dispatcher,
        IOptions<EventOptions> options,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var body = await AdminRequests.ReadObjectAsync(request);
        if (await FindAsync(db, account_id, receiver_id, ct) is not { Kind: EventReceiverKinds.Poll } receiver)
        {
            return CloudflareResults.NotFound($"No poll receiver '{Short(receiver_id)}' in this account.");
        }

        var acks = (body["ack"] as JsonArray ?? [])
            .Select(a => a is JsonValue v && v.TryGetValue<string>(out var s) ? s : null)
            .OfType<string>()
            .Take(1000)
            .ToList();
        var errors = (body["setErrs"] as JsonObject ?? [])
            .Take(1000)
            .ToDictionary(
                e => e.Key,
                e => $"{AdminRequests.Text(e.Value, "err") ?? "error"}: {AdminRequests.Text(e.Value, "description") ?? ""}",
                StringComparer.Ordinal
            );
        var maxEvents = body["maxEvents"] is JsonValue m && m.TryGetValue<int>(out var n) ? Math.Clamp(n, 0, 1000) : 100;
        var immediately = body["returnImmediately"] is JsonValue r && r.TryGetValue<bool>(out var b) && b;
        var now = clock.GetUtcNow().UtcDateTime;
        await Settle(db, receiver, acks, DeliveryStatuses.Delivered, null, now, ct);
        foreach (var (jti, error) in errors)
        {
            await Settle(db, receiver, [jti], DeliveryStatuses.Parked, error.Length > 500 ? error[..500] : error, now, ct);
        }

        var waited = TimeSpan.Zero;
        while (true)
        {
            await EventDispatcher.FanOutAsync(db, receiver.Key, ct);
            var pending = await db
                .EventDeliveries.AsNoTracking()
                .Where(d => d.ReceiverKey == receiver.Key && d.Status == DeliveryStatuses.Pending)
                .OrderBy(d => d.EventKey)
                .Take(maxEvents + 1)
                .Join(db.OutboxEvents.AsNoTracking(), d => d.EventKey, e => e.Key, (d, e) => e)
                .ToListAsync(ct);
            if (pending.Count > 0 || immediately || maxEvents == 0 || waited >= TimeSpan.FromSeconds(5))
            {
                var sets = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var e in pending.Take(maxEvents))
                {
                    var data = receiver.Mode == "full" ? await dispatcher.SnapshotAsync(db, e, ct) : null;
                    sets[e.Id] = SecurityEventTokens.Sign(SecurityEventTokens.Claims(e, receiver, options.Value.Issuer, data), receiver);
                }

                return TypedResults.Json(new SetPollResponse(sets, pending.Count > maxEvents));
            }

            await Task.Delay(250, ct);
            waited += TimeSpan.FromMilliseconds(250);
        }
    }

    private static async Task Settle(
        ScimDbContext db,
        EventReceiver receiver,
        IReadOnlyList<string> jtis,
        string status,
        string? error,
        DateTime now,
        CancellationToken ct
    )
    {
        if (jtis.Count == 0)
        {
            return;
        }

        var keys = db.OutboxEvents.Where(e => e.AccountId == receiver.AccountId && jtis.Contains(e.Id)).Select(e => e.Key);
        await db
            .EventDeliveries.Where(d => d.ReceiverKey == receiver.Key && d.Status == DeliveryStatuses.Pending && keys.Contains(d.EventKey))
            .ExecuteUpdateAsync(
                u =>
                    u.SetProperty(d => d.Status, status)
                        .SetProperty(d => d.LastError, error)
                        .SetProperty(d => d.DeliveredAt, status == DeliveryStatuses.Delivered ? now : null)
                        .SetProperty(d => d.Attempts, d => d.Attempts + 1),
                ct
            );
    }

    private static async Task<Envelope<List<EventReceiverView>>> List(string account_id, ScimDbContext db, CancellationToken ct) =>
        CloudflareResults.Ok(
            (await db.EventReceivers.AsNoTracking().Where(r => r.AccountId == account_id).OrderBy(r => r.Key).ToListAsync(ct))
                .Select(EventReceiverView.From)
                .ToList()
        );

    private static async Task<Results<Envelope<EventReceiverView>, EnvelopeNotFound>> Get(
        string account_id,
        string receiver_id,
        ScimDbContext db,
        CancellationToken ct
    ) =>
        await FindAsync(db, account_id, receiver_id, ct) is { } receiver
            ? CloudflareResults.Ok(EventReceiverView.From(receiver))
            : NotFound(receiver_id);

    private static async Task<Envelope<EventReceiverView>> Register(
        string account_id,
        HttpRequest request,
        ScimDbContext db,
        IOptions<EventOptions> options,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var body = await AdminRequests.ReadObjectAsync(request);
        var kind = AdminRequests.Text(body, "kind") ?? EventReceiverKinds.Push;
        var mode = AdminRequests.Text(body, "mode") ?? "notice";
        var name = AdminRequests.Text(body, "name");
        var url = AdminRequests.Text(body, "url");
        var secret = AdminRequests.Text(body, "secret");
        if (kind is not (EventReceiverKinds.Push or EventReceiverKinds.Webhook or EventReceiverKinds.Poll))
        {
            throw AdminRequests.Invalid("'kind' must be push, webhook or poll.", "kind");
        }

        if (mode is not ("notice" or "full"))
        {
            throw AdminRequests.Invalid("'mode' must be notice or full.", "mode");
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 200 || name.Any(char.IsControl))
        {
            throw AdminRequests.Invalid("'name' is required: 1 to 200 characters, no control characters.", "name");
        }

        if (secret is null || secret.Length < MinSecretLength || secret.Length > 512)
        {
            throw AdminRequests.Invalid(
                $"'secret' is required: {MinSecretLength} to 512 characters; it signs every event (HS256 SETs, webhook HMAC).",
                "secret"
            );
        }

        if (kind == EventReceiverKinds.Poll)
        {
            url = null;
        }
        else if (await ReceiverAddresses.RefusalAsync(url, options.Value.AllowPrivateReceivers, ct) is { } refusal)
        {
            throw AdminRequests.Invalid(refusal, "url");
        }

        var receiver = new EventReceiver
        {
            Id = Identifiers.NewTag(),
            AccountId = account_id,
            Name = name,
            Kind = kind,
            Url = url,
            Secret = secret,
            Mode = mode,
            Created = clock.GetUtcNow().UtcDateTime,
            // Events committed from now on.
            Cursor = await db.OutboxEvents.Where(e => e.AccountId == account_id).MaxAsync(e => (long?)e.Key, ct) ?? 0,
        };
        db.EventReceivers.Add(receiver);
        await db.SaveChangesAsync(ct);
        return CloudflareResults.Ok(EventReceiverView.From(receiver));
    }

    private static async Task<Results<Envelope<IdView>, EnvelopeNotFound>> Remove(
        string account_id,
        string receiver_id,
        ScimDbContext db,
        CancellationToken ct
    )
    {
        var removed = await db.EventReceivers.Where(r => r.AccountId == account_id && r.Id == receiver_id).ExecuteDeleteAsync(ct);
        return removed == 0 ? NotFound(receiver_id) : CloudflareResults.Ok(new IdView(receiver_id));
    }

    private static async Task<Results<Envelope<List<EventDeliveryView>>, EnvelopeNotFound>> Deliveries(
        string account_id,
        string receiver_id,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "status")] string? status,
        [AsParameters] PageQuery paging,
        ScimDbContext db,
        CancellationToken ct
    )
    {
        if (await FindAsync(db, account_id, receiver_id, ct) is not { } receiver)
        {
            return NotFound(receiver_id);
        }

        var (page, perPage) = paging.Resolve(50, 1, 1000);
        var deliveries = db.EventDeliveries.AsNoTracking().Where(d => d.ReceiverKey == receiver.Key);
        if (status is { Length: > 0 })
        {
            deliveries = deliveries.Where(d => d.Status == status);
        }

        var total = await deliveries.CountAsync(ct);
        var rows = await deliveries
            .OrderByDescending(d => d.EventKey)
            .Skip((page - 1) * perPage)
            .Take(perPage)
            .Join(
                db.OutboxEvents,
                d => d.EventKey,
                e => e.Key,
                (d, e) =>
                    new EventDeliveryView(
                        d.Id,
                        e.Id,
                        e.Type,
                        e.ResourceId,
                        d.Status,
                        d.Attempts,
                        d.NextAttemptAt,
                        d.LastError,
                        d.DeliveredAt
                    )
            )
            .ToListAsync(ct);
        return CloudflareResults.Ok(rows, PageQuery.Info(page, perPage, rows.Count, total));
    }

    private static async Task<Results<Envelope<IdView>, EnvelopeNotFound>> Retry(
        string account_id,
        string receiver_id,
        string delivery_id,
        HttpRequest request,
        ScimDbContext db,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        // No body is needed; one that is sent must be JSON, as on every admin write.
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            await AdminRequests.ReadObjectAsync(request);
        }

        if (await FindAsync(db, account_id, receiver_id, ct) is not { } receiver)
        {
            return NotFound(receiver_id);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var updated = await db
            .EventDeliveries.Where(d => d.ReceiverKey == receiver.Key && d.Id == delivery_id && d.Status == DeliveryStatuses.Parked)
            .ExecuteUpdateAsync(
                u =>
                    u.SetProperty(d => d.Status, DeliveryStatuses.Pending)
                        .SetProperty(d => d.Attempts, 0)
                        .SetProperty(d => d.NextAttemptAt, now)
                        .SetProperty(d => d.LeaseUntil, (DateTime?)null),
                ct
            );
        return updated == 0
            ? CloudflareResults.NotFound($"No parked delivery '{Short(delivery_id)}' for this receiver.")
            : CloudflareResults.Ok(new IdView(delivery_id));
    }

    private static Task<EventReceiver?> FindAsync(ScimDbContext db, string accountId, string receiverId, CancellationToken ct) =>
        db.EventReceivers.AsNoTracking().FirstOrDefaultAsync(r => r.AccountId == accountId && r.Id == receiverId, ct);

    private static EnvelopeNotFound NotFound(string receiverId) =>
        CloudflareResults.NotFound($"No event receiver '{Short(receiverId)}' in this account.");

    private static string Short(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
