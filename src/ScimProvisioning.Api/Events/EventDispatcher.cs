using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimProvisioning.Api.Scim.Groups;
using ScimProvisioning.Api.Scim.Profiles;
using ScimProvisioning.Api.Scim.Users;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Events;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Api.Events;

/// <summary>
/// Delivers the outbox (docs/events.md), apart from every SCIM request: it fans new events out to each receiver of
/// their account, then sends each push and webhook receiver its oldest pending event — in order, one receiver never
/// waiting for another — retrying with exponential backoff and jitter and parking an event after
/// <c>Events:MaxAttempts</c>. Deliveries are leased, so instances sharing a PostgreSQL database do not send one twice in
/// the normal case (at least once otherwise; receivers de-duplicate by <c>jti</c>).
/// </summary>
public sealed class EventDispatcher(
    IServiceScopeFactory scopes,
    IOptions<EventOptions> options,
    IScimProfile profile,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<EventDispatcher> logger,
    Telemetry.ScimMetrics metrics,
    Hosting.PublicAddress publicAddress
) : BackgroundService
{
    private const int PerReceiverBatch = 50;
    private readonly HttpClient http = new(ReceiverAddresses.Handler(options.Value.AllowPrivateReceivers))
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
    private DateTime nextPrune = DateTime.MinValue;
    private DateTime nextCount = DateTime.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        // Not before the host has started: the database is migrated by then.
        try
        {
            await Task.Delay(
                Timeout.Infinite,
                CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStarted, stoppingToken).Token
            );
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested) { }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Event delivery failed this round; it runs again");
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await Task.Delay(Math.Max(options.Value.PollIntervalMilliseconds, 10), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round: fan out, deliver what is due, prune (tests call it to drive delivery deterministically).</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        List<EventReceiver> receivers;
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
            receivers = await db.EventReceivers.AsNoTracking().ToListAsync(cancellationToken);
            foreach (var receiver in receivers)
            {
                await FanOutAsync(db, receiver.Key, cancellationToken);
            }

            await PruneIfDueAsync(db, cancellationToken);
            await CountIfDueAsync(db, receivers.Count, cancellationToken);
        }

        await Task.WhenAll(receivers.Where(r => r.Kind != EventReceiverKinds.Poll).Select(r => DeliverAsync(r, cancellationToken)));
    }

    /// <summary>New events of the receiver's account become its pending deliveries; the cursor moves in the same commit.</summary>
    public static async Task FanOutAsync(ScimDbContext db, long receiverKey, CancellationToken cancellationToken)
    {
        var receiver = await db.EventReceivers.FirstOrDefaultAsync(r => r.Key == receiverKey, cancellationToken);
        if (receiver is null)
        {
            return;
        }

        var cursor = receiver.Cursor;
        var events = await db
            .OutboxEvents.AsNoTracking()
            .Where(e => e.AccountId == receiver.AccountId && e.Key > cursor)
            .OrderBy(e => e.Key)
            .Select(e => new { e.Key, e.OccurredAt })
            .Take(1000)
            .ToListAsync(cancellationToken);
        if (events.Count == 0)
        {
            return;
        }

        foreach (var e in events)
        {
            db.EventDeliveries.Add(
                new EventDelivery
                {
                    Id = Identifiers.NewTag(),
                    ReceiverKey = receiver.Key,
                    EventKey = e.Key,
                    Status = DeliveryStatuses.Pending,
                    NextAttemptAt = e.OccurredAt,
                }
            );
        }

        receiver.Cursor = events[^1].Key;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (UniqueViolation.IsUniqueViolation(e))
        {
            // Another instance fanned these out first.
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Sends the receiver's pending events oldest first, until one fails or is not yet due.</summary>
    private async Task DeliverAsync(EventReceiver receiver, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
        for (var sent = 0; sent < PerReceiverBatch; sent++)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var head = await db
                .EventDeliveries.AsNoTracking()
                .Where(d => d.ReceiverKey == receiver.Key && d.Status == DeliveryStatuses.Pending)
                .OrderBy(d => d.EventKey)
                .FirstOrDefaultAsync(cancellationToken);
            if (head is null || head.NextAttemptAt > now || head.LeaseUntil > now)
            {
                return;
            }

            var leaseUntil = now.AddSeconds(options.Value.TimeoutSeconds + 30);
            var claimed = await db
                .EventDeliveries.Where(d =>
                    d.Key == head.Key && d.Status == DeliveryStatuses.Pending && (d.LeaseUntil == null || d.LeaseUntil < now)
                )
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.LeaseUntil, leaseUntil), cancellationToken);
            if (claimed == 0)
            {
                return; // another instance holds it
            }

            var e = await db.OutboxEvents.AsNoTracking().FirstAsync(x => x.Key == head.EventKey, cancellationToken);
            var error = await SendAsync(db, receiver, e, cancellationToken);
            var delivery = await db.EventDeliveries.FirstAsync(d => d.Key == head.Key, cancellationToken);
            delivery.LeaseUntil = null;
            delivery.Attempts++;
            if (error is null)
            {
                metrics.Delivery("delivered");
                delivery.Status = DeliveryStatuses.Delivered;
                delivery.DeliveredAt = clock.GetUtcNow().UtcDateTime;
                delivery.LastError = null;
            }
            else
            {
                delivery.LastError = error.Message.Length > 500 ? error.Message[..500] : error.Message;
                if (error.Permanent || delivery.Attempts >= options.Value.MaxAttempts)
                {
                    delivery.Status = DeliveryStatuses.Parked;
                    metrics.Delivery("parked");
                    logger.LogWarning(
                        "Event {EventId} parked for receiver {ReceiverId} after {Attempts} attempts: {Error}",
                        e.Id,
                        receiver.Id,
                        delivery.Attempts,
                        delivery.LastError
                    );
                }
                else
                {
                    delivery.NextAttemptAt = clock.GetUtcNow().UtcDateTime + Backoff(delivery.Attempts);
                    metrics.Delivery("retry");
                }
            }

            await db.SaveChangesAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            if (error is not null && delivery.Status == DeliveryStatuses.Pending)
            {
                return; // in order: nothing later goes before this one
            }
        }
    }

    /// <summary>Doubling from the initial delay up to the maximum, with full jitter in its upper half.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var settings = options.Value;
        var ceiling = Math.Min(settings.MaxBackoffSeconds, settings.InitialBackoffSeconds * Math.Pow(2, Math.Min(attempts - 1, 30)));
        return TimeSpan.FromSeconds(ceiling * (0.5 + Random.Shared.NextDouble() * 0.5));
    }

    private sealed record DeliveryError(string Message, bool Permanent);

    private async Task<DeliveryError?> SendAsync(
        ScimDbContext db,
        EventReceiver receiver,
        OutboxEvent e,
        CancellationToken cancellationToken
    )
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        try
        {
            var data = receiver.Mode == "full" ? await SnapshotAsync(db, e, cancellationToken) : null;
            using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url);
            if (receiver.Kind == EventReceiverKinds.Push)
            {
                var set = SecurityEventTokens.Sign(SecurityEventTokens.Claims(e, receiver, options.Value.Issuer, data), receiver);
                request.Content = new StringContent(set, Encoding.ASCII);
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(SecurityEventTokens.MediaType);
                request.Headers.Accept.ParseAdd("application/json");
            }
            else
            {
                var body = EventPayloads.WebhookBody(e, receiver, data);
                var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                request.Headers.Add("Webhook-Id", e.Id);
                request.Headers.Add("Webhook-Timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
                request.Headers.Add("Webhook-Signature", EventPayloads.WebhookSignature(receiver.Secret, timestamp, body));
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return null;
            }

            // A receiver that refuses the event itself (4xx but timeouts and rate limits) will not change its mind.
            return new DeliveryError($"HTTP {status}", status is >= 400 and < 500 and not (408 or 429));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryError($"no answer within {options.Value.TimeoutSeconds} s", false);
        }
        catch (HttpRequestException x)
        {
            return new DeliveryError(x.Message, false);
        }
    }

    /// <summary>The resource as it is now, for full events (RFC 9967 <c>data</c>); a group's members are not included.</summary>
    public async Task<JsonObject?> SnapshotAsync(ScimDbContext db, OutboxEvent e, CancellationToken cancellationToken)
    {
        if (!ProvisioningEvents.IsQualified(e.Type) || e.ResourceId is null)
        {
            return null;
        }

        if (e.ResourceType == UserProvisioning.ResourceType)
        {
            var view = await UserReads.ReadAsync(db, e.AccountId, e.ResourceId, cancellationToken);
            return view is null ? null : UserResourceMapper.ToResource(view.User, profile, BaseUrl(e), view.Groups);
        }

        var group = await db
            .UserGroups.AsNoTracking()
            .FirstOrDefaultAsync(g => g.AccountId == e.AccountId && g.Id == e.ResourceId, cancellationToken);
        return group is null ? null : GroupResourceMapper.ToResource(group, profile, BaseUrl(e), null);
    }

    /// <summary>Full events locate the resource at the public address when one is configured, else relative to the base.</summary>
    private string BaseUrl(OutboxEvent e) =>
        publicAddress.IsConfigured ? $"{publicAddress.Root((string?)null)}/client/v4/accounts/{e.AccountId}/scim/v2" : "";

    /// <summary>The backlog for the <c>scim.events.pending</c> and <c>scim.events.parked</c> gauges, every few seconds.</summary>
    private async Task CountIfDueAsync(ScimDbContext db, int receivers, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (now < nextCount)
        {
            return;
        }

        nextCount = now.AddSeconds(5);
        if (receivers == 0)
        {
            metrics.Outbox(0, 0);
            return;
        }

        var pending = await db.EventDeliveries.LongCountAsync(d => d.Status == DeliveryStatuses.Pending, cancellationToken);
        var parked = await db.EventDeliveries.LongCountAsync(d => d.Status == DeliveryStatuses.Parked, cancellationToken);
        metrics.Outbox(pending, parked);
    }

    private async Task PruneIfDueAsync(ScimDbContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (now < nextPrune || options.Value.RetentionDays <= 0)
        {
            return;
        }

        nextPrune = now.AddMinutes(1);
        var cutoff = now.AddDays(-options.Value.RetentionDays);
        await db
            .OutboxEvents.Where(e =>
                e.OccurredAt < cutoff && !db.EventDeliveries.Any(d => d.EventKey == e.Key && d.Status == DeliveryStatuses.Pending)
            )
            .ExecuteDeleteAsync(cancellationToken);
    }

    public override void Dispose()
    {
        http.Dispose();
        base.Dispose();
    }
}
