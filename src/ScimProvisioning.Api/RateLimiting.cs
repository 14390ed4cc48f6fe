using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Api.Configuration;

namespace ScimProvisioning.Api;

/// <summary>
/// Cloudflare-like rate limiting: a fixed window per token (1,200 requests per 5 minutes by default), 429 with
/// <c>Retry-After</c> and <c>x-ratelimit-*</c> headers. Counters live in each instance's memory.
/// </summary>
public static class RateLimiting
{
    public const string PolicyName = "per-token";

    public static IServiceCollection AddScimRateLimiting(this IServiceCollection services, RateLimitOptions options)
    {
        services.AddSingleton(options);
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!options.Enabled || context.Request.Path.StartsWithSegments("/health"))
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }

                var key = context.User.TokenId() ?? "ip:" + context.Connection.RemoteIpAddress;
                return RateLimitPartition.GetFixedWindowLimiter(
                    key,
                    _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = options.PermitLimit,
                        Window = TimeSpan.FromSeconds(options.WindowSeconds),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }
                );
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? wait
                    : TimeSpan.FromSeconds(options.WindowSeconds);
                var seconds = (int)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds));
                context.HttpContext.RequestServices.GetRequiredService<Telemetry.ScimMetrics>().RateLimited();
                var headers = context.HttpContext.Response.Headers;
                headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                headers["x-ratelimit-limit"] = options.PermitLimit.ToString(CultureInfo.InvariantCulture);
                headers["x-ratelimit-remaining"] = "0";
                headers["x-ratelimit-reset"] = DateTimeOffset.UtcNow.AddSeconds(seconds).ToString("R", CultureInfo.InvariantCulture);
                await ErrorResponses.WriteAsync(
                    context.HttpContext,
                    StatusCodes.Status429TooManyRequests,
                    null,
                    $"Rate limit exceeded: at most {options.PermitLimit} requests per {options.WindowSeconds} seconds per token. Retry "
                        + $"after {seconds} seconds.",
                    Admin.AdminErrorCodes.RateLimited
                );
            };
        });
        return services;
    }

    /// <summary>The limiter, unless <c>RateLimit:Enabled</c> is false: then every request would only take a no-op lease.</summary>
    public static WebApplication UseScimRateLimiting(this WebApplication app)
    {
        if (app.Services.GetRequiredService<RateLimitOptions>().Enabled)
        {
            app.UseRateLimiter();
        }

        return app;
    }
}
