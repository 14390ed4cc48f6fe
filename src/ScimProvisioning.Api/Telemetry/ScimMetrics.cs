using System.Diagnostics.Metrics;

namespace ScimProvisioning.Api.Telemetry;

/// <summary>
/// The server's own instruments (meter <c>ScimProvisioning</c>), beside ASP.NET Core's request metrics and the
/// runtime's. Counting costs an increment when nothing listens; <see cref="TelemetrySetup"/> attaches the exporters.
/// </summary>
public sealed class ScimMetrics
{
    public const string MeterName = "ScimProvisioning";

    private readonly Counter<long> operations;
    private readonly Counter<long> ruleRefusals;
    private readonly Counter<long> guardRefusals;
    private readonly Counter<long> rateLimited;
    private readonly Counter<long> deliveries;
    private long pendingDeliveries;
    private long parkedDeliveries;

    public ScimMetrics(IMeterFactory meters, IServiceProvider services)
    {
        var meter = meters.Create(MeterName);
        operations = meter.CreateCounter<long>(
            "scim.operations",
            description: "SCIM requests by resource (User, Group, Search, Bulk, Discovery), method, outcome (success, refused, "
                + "failed) and the IdP the flight recorder recognised"
        );
        ruleRefusals = meter.CreateCounter<long>("scim.rule.refusals", description: "Writes a business rule refused, by rule");
        guardRefusals = meter.CreateCounter<long>(
            "scim.guard.refusals",
            description: "Writes refused because they would lock out the account's last Super Administrator"
        );
        rateLimited = meter.CreateCounter<long>("scim.rate_limit.refusals", description: "Requests answered 429 by the rate limiter");
        deliveries = meter.CreateCounter<long>(
            "scim.events.deliveries",
            description: "Event delivery attempts by result (delivered, retry, parked)"
        );
        meter.CreateObservableGauge(
            "scim.events.pending",
            () => Interlocked.Read(ref pendingDeliveries),
            description: "Event deliveries waiting to be sent (the outbox's backlog, counted by the dispatcher)"
        );
        meter.CreateObservableGauge(
            "scim.events.parked",
            () => Interlocked.Read(ref parkedDeliveries),
            description: "Event deliveries parked after their last attempt, waiting for a redelivery"
        );
        // The recorder is resolved when a reader collects, not before (it counts operations through this class).
        Recording.ProvisioningRecorder Recorder() => services.GetRequiredService<Recording.ProvisioningRecorder>();
        meter.CreateObservableGauge("scim.recorder.queue.depth", () => Recorder().Depth, description: "Exchanges waiting for the recorder");
        meter.CreateObservableCounter(
            "scim.recorder.dropped",
            () => Recorder().Dropped,
            description: "Exchanges not recorded (queue full)"
        );
        meter.CreateObservableCounter("scim.recorder.written", () => Recorder().Written, description: "Provisioning log entries written");
        meter.CreateObservableCounter("scim.recorder.failed", () => Recorder().Failed, description: "Entries lost to a failed write");
    }

    /// <summary>False while nothing collects <c>scim.operations</c>: callers skip working out its labels.</summary>
    public bool CountsOperations => operations.Enabled;

    public void Operation(string resource, string method, string outcome, string idp) =>
        operations.Add(
            1,
            new KeyValuePair<string, object?>("resource", resource),
            new KeyValuePair<string, object?>("method", method),
            new KeyValuePair<string, object?>("outcome", outcome),
            new KeyValuePair<string, object?>("idp", idp)
        );

    /// <summary>The outcome of a status as the provisioning log names it.</summary>
    public static string Outcome(int status) =>
        status switch
        {
            < 400 => "success",
            < 500 => "refused",
            _ => "failed",
        };

    public void Refused(Domain.DomainException refusal)
    {
        if (refusal.Rule is { } rule)
        {
            ruleRefusals.Add(1, new KeyValuePair<string, object?>("rule", rule));
        }

        if (refusal.Kind == Domain.DomainErrorKind.LockoutRefused)
        {
            guardRefusals.Add(1);
        }
    }

    public void RateLimited() => rateLimited.Add(1);

    public void Delivery(string result) => deliveries.Add(1, new KeyValuePair<string, object?>("result", result));

    public void Outbox(long pending, long parked)
    {
        Interlocked.Exchange(ref pendingDeliveries, pending);
        Interlocked.Exchange(ref parkedDeliveries, parked);
    }
}
