using Microsoft.Extensions.Diagnostics.HealthChecks;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Health;

/// <summary>Readiness: the database answers.</summary>
public sealed class DatabaseHealthCheck(ScimDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy("The database is reachable.")
                : HealthCheckResult.Unhealthy("The database is not reachable.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database is not reachable.");
        }
    }
}
