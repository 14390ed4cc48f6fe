using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ScimProvisioning.Api.Hosting;

namespace ScimProvisioning.Api.Telemetry;

/// <summary><c>Telemetry:*</c> — where traces and metrics go. Nothing is collected or exposed unless configured.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    public string ServiceName { get; set; } = "scim-provisioning";

    public OtlpSettings Otlp { get; set; } = new();

    public PrometheusSettings Prometheus { get; set; } = new();

    /// <summary>Print each finished span on standard output (trying things out without a collector).</summary>
    public bool ConsoleTraces { get; set; }

    public sealed class OtlpSettings
    {
        /// <summary>The collector (<c>http://collector:4317</c> for gRPC, <c>http://collector:4318</c> for HTTP);
        /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> works too. Empty: no OTLP export.</summary>
        public string? Endpoint { get; set; }

        /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>.</summary>
        public string Protocol { get; set; } = "grpc";
    }

    public sealed class PrometheusSettings
    {
        /// <summary>An address of its own for <c>GET /metrics</c> (<c>http://127.0.0.1:9464</c>); the server listens
        /// there too and answers nothing else on that port. Empty (default): no scrape endpoint.</summary>
        public string? Url { get; set; }
    }
}

/// <summary>
/// OpenTelemetry for the server: traces of requests, database commands and outgoing event deliveries; metrics from
/// ASP.NET Core (requests by route and status, Kestrel, rate limiting), the runtime and <see cref="ScimMetrics"/>.
/// Exported over OTLP and/or served for Prometheus on a port of its own, each only when configured.
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    public static void AddScimTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ScimMetrics>();
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = options.Otlp.Endpoint is { Length: > 0 } endpoint
            ? endpoint
            : Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        var prometheus = PrometheusAddress(options);
        if (string.IsNullOrWhiteSpace(otlp) && prometheus is null && !options.ConsoleTraces)
        {
            return;
        }

        var version = typeof(TelemetrySetup).Assembly.GetName().Version?.ToString();
        var telemetry = builder
            .Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName, serviceVersion: version));
        telemetry.WithMetrics(metrics =>
        {
            metrics
                .AddMeter(ScimMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddMeter("Microsoft.AspNetCore.RateLimiting", "Microsoft.AspNetCore.Diagnostics")
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation();
            if (prometheus is not null)
            {
                metrics.AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0);
            }
        });
        if (!string.IsNullOrWhiteSpace(otlp) || options.ConsoleTraces)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing
                    .AddAspNetCoreInstrumentation(aspnet =>
                        aspnet.Filter = context =>
                            !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments(MetricsPath)
                    )
                    // Statements are traced with their parameter placeholders, never their values.
                    .AddEntityFrameworkCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                if (options.ConsoleTraces)
                {
                    tracing.AddConsoleExporter();
                }
            });
        }

        if (!string.IsNullOrWhiteSpace(otlp))
        {
            var protocol = options.Otlp.Protocol.Trim().ToLowerInvariant() switch
            {
                "grpc" => OtlpExportProtocol.Grpc,
                "http/protobuf" or "http" => OtlpExportProtocol.HttpProtobuf,
                var other => throw new ConfigurationException($"Telemetry:Otlp:Protocol '{other}' is neither grpc nor http/protobuf."),
            };
            if (!Uri.TryCreate(otlp, UriKind.Absolute, out var collector) || collector.Scheme is not ("http" or "https"))
            {
                throw new ConfigurationException($"Telemetry:Otlp:Endpoint '{otlp}' is not an http(s) address.");
            }

            telemetry.UseOtlpExporter(protocol, collector);
        }

        if (prometheus is not null)
        {
            ListenAlsoOn(builder, prometheus);
        }
    }

    /// <summary>Serves <c>GET /metrics</c> on the Prometheus port only, and nothing but that on it.</summary>
    public static void UseScimMetricsEndpoint(this WebApplication app)
    {
        var options = app.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (PrometheusAddress(options) is not { } address)
        {
            return;
        }

        var port = address.Port;
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
            context.Connection.LocalPort == port && context.Request.Path.Equals(MetricsPath, StringComparison.Ordinal)
        );
        app.Use(
            async (context, next) =>
            {
                if (context.Connection.LocalPort == port)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }

                await next();
            }
        );
    }

    private static Uri? PrometheusAddress(TelemetryOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Prometheus.Url))
        {
            return null;
        }

        if (
            !Uri.TryCreate(options.Prometheus.Url.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme != "http"
            || uri.AbsolutePath != "/"
            || uri.IsDefaultPort
        )
        {
            throw new ConfigurationException(
                $"Telemetry:Prometheus:Url '{options.Prometheus.Url}' is not an http address with a port of its own "
                    + "(http://127.0.0.1:9464); metrics are served at /metrics there."
            );
        }

        return uri;
    }

    /// <summary>
    /// Adds the metrics address to the ones the server listens on, whichever way those are configured: Kestrel endpoints
    /// in configuration, or <c>--urls</c> / <c>ASPNETCORE_URLS</c> / <c>HTTP_PORTS</c> (default http://localhost:5000).
    /// </summary>
    private static void ListenAlsoOn(WebApplicationBuilder builder, Uri address)
    {
        var configuration = builder.Configuration;
        var url = $"http://{address.Authority}";
        if (configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            configuration["Kestrel:Endpoints:Metrics:Url"] = url;
            return;
        }

        var urls = configuration["urls"];
        if (string.IsNullOrWhiteSpace(urls))
        {
            var ports = (configuration["http_ports"] ?? "")
                .Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => $"http://*:{p.Trim()}")
                .Concat(
                    (configuration["https_ports"] ?? "")
                        .Split(';', StringSplitOptions.RemoveEmptyEntries)
                        .Select(p => $"https://*:{p.Trim()}")
                )
                .ToList();
            urls = ports.Count > 0 ? string.Join(';', ports) : "http://localhost:5000";
        }

        builder.WebHost.UseUrls($"{urls};{url}");
    }
}
