using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Api.Health;
using ScimProvisioning.Api.Persistence;
using ScimProvisioning.Api.Scim;
using ScimProvisioning.Api.Scim.Groups;
using ScimProvisioning.Api.Scim.Profiles;
using ScimProvisioning.Api.Scim.Users;
using ScimProvisioning.Api.Telemetry;
using ScimProvisioning.Domain.Accounts;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Users;
using Serilog;
using Serilog.Configuration;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace ScimProvisioning.Api;

public static class ServiceSetup
{
    public static WebApplicationBuilder AddScimServer(this WebApplicationBuilder builder, bool commandLineMode)
    {
        var configuration = builder.Configuration;
        ConsoleLogging.Format(configuration); // an unknown format stops the start here, with a message
        builder.Host.UseSerilog(
            (context, services, logger) =>
                logger
                    .MinimumLevel.Information()
                    .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                    .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
                    .MinimumLevel.Override("Microsoft.AspNetCore.DataProtection", LogEventLevel.Error)
                    .MinimumLevel.Override(
                        "Microsoft.Hosting.Lifetime",
                        commandLineMode ? LogEventLevel.Warning : LogEventLevel.Information
                    )
                    .ReadFrom.Configuration(context.Configuration)
                    .Enrich.FromLogContext()
                    // Verbs print results on stdout; their logs go to stderr.
                    .WriteToConsole(context.Configuration, commandLineMode)
                    // Extra sinks registered in DI (the tests capture the log this way to prove no secret reaches it).
                    .WriteTo.Sink(new SinkFanOut(services.GetServices<Serilog.Core.ILogEventSink>().ToList())),
            // Each host keeps its own logger (several run side by side in the tests); the static one is left alone.
            preserveStaticLogger: true
        );
        Telemetry.CachingLoggerFactory.Decorate(builder.Services);

        var server = Hosting.PublicAddress.Read(configuration);
        builder.Services.AddSingleton(server);
        builder.Services.AddSingleton(new Hosting.PublicAddress(server));
        if (Hosting.PublicAddress.ForwardedHeaders(server) is { } forwarded)
        {
            builder.Services.AddSingleton(forwarded);
        }

        if (commandLineMode)
        {
            builder.Services.AddSingleton<Telemetry.ScimMetrics>();
        }
        else
        {
            builder.AddScimTelemetry();
        }

        var scimOptions = configuration.GetSection(ScimOptions.Section).Get<ScimOptions>() ?? new ScimOptions();
        builder.Services.Configure<ScimOptions>(configuration.GetSection(ScimOptions.Section));
        builder.Services.Configure<DatabaseOptions>(configuration.GetSection(DatabaseOptions.Section));
        builder.Services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));
        builder.Services.Configure<BootstrapOptions>(configuration.GetSection(BootstrapOptions.Section));
        builder.Services.Configure<Recording.RecorderOptions>(configuration.GetSection(Recording.RecorderOptions.Section));
        builder.Services.AddSingleton<Recording.ProvisioningRecorder>();
        builder.Services.AddHostedService(services => services.GetRequiredService<Recording.ProvisioningRecorder>());
        builder.Services.Configure<Events.EventOptions>(configuration.GetSection(Events.EventOptions.Section));
        builder.Services.AddSingleton<Events.EventDispatcher>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = Math.Max(scimOptions.MaxRequestBodyBytes, scimOptions.BulkMaxPayloadBytes);
        });

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddMemoryCache();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScimPersistence(configuration, builder.Environment.ContentRootPath);
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddScoped<AccountSetup>();
        builder.Services.AddScoped<SuperAdministratorGuard>();
        builder.Services.AddScoped<EffectivePermissions>();
        builder.Services.AddScoped<UserProvisioning>();
        builder.Services.AddScoped<Domain.Groups.GroupProvisioning>();
        builder.Services.AddScoped<PolicyAssignments>();
        builder.Services.AddScoped<ResourceGroupProvisioning>();
        builder.Services.AddSingleton(configuration.GetSection("Guards").Get<GuardSettings>() ?? new GuardSettings());
        builder.Services.AddSingleton(new ScimProvisioning.Domain.Groups.GroupSettings(scimOptions.MaxMembersPerRequest));
        builder.Services.AddSingleton(services => ScimProfiles.For(services.GetRequiredService<IOptions<ScimOptions>>().Value.Profile));
        builder.Services.AddSingleton(services => services.GetRequiredService<IScimProfile>().UserRules);
        builder.Services.AddScoped<ScimContext>();
        builder.Services.AddScoped<ScimUsers>();
        builder.Services.AddScoped<ScimGroups>();
        builder.Services.AddScoped<Admin.AccountMembers>();
        builder.Services.AddScoped<Admin.AccountUserGroups>();
        builder.Services.AddScimAuth();
        builder.Services.AddScimRateLimiting(
            configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions()
        );
        builder.Services.AddExceptionHandler<ScimExceptionHandler>();
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        if (!commandLineMode)
        {
            builder.Services.AddHostedService<DatabaseInitializer>();
            // After the initializer: events are delivered from a migrated database.
            builder.Services.AddHostedService(services => services.GetRequiredService<Events.EventDispatcher>());
            if (builder.Services.Any(service => service.ServiceType == typeof(Persistence.Postgres.PostgresChangeFeed)))
            {
                builder.Services.AddHostedService(services => services.GetRequiredService<Persistence.Postgres.PostgresChangeFeed>());
            }
        }

        builder.Services.AddEndpointsApiExplorer();
        // Admin responses are written in Cloudflare's snake_case; the schemas Swagger shows use the same names.
        builder.Services.AddSingleton<Swashbuckle.AspNetCore.SwaggerGen.ISerializerDataContractResolver>(
            new Swashbuckle.AspNetCore.SwaggerGen.JsonSerializerDataContractResolver(Admin.CloudflareEnvelope.JsonOptions)
        );
        builder.Services.AddSwaggerGen(swagger =>
        {
            swagger.OperationFilter<ScimRequestBodyFilter>();
            swagger.SwaggerDoc(
                "v1",
                new OpenApiInfo
                {
                    Title = "ScimProvisioning",
                    Version = "v1",
                    Description =
                        "A SCIM 2.0 service provider that emulates Cloudflare's dashboard SCIM. SCIM endpoints live under "
                        + "/client/v4/accounts/{account_id}/scim/v2; the admin API follows Cloudflare's v4 envelope. "
                        + "Endpoints marked 'Extension' are not part of Cloudflare's API.",
                }
            );
            swagger.AddSecurityDefinition(
                "bearer",
                new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "An account API token (from the startup banner, `bootstrap --json` or `tokens create`).",
                }
            );
            swagger.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("bearer", document)] = [],
            });
        });
        return builder;
    }
}

internal static class ConsoleLogging
{
    /// <summary>
    /// <c>Logging:Format</c>: <c>text</c> (default) or <c>json</c> — one JSON object per line (Serilog's compact format:
    /// <c>@t</c>, <c>@m</c>, <c>@l</c>, <c>@tr</c> trace id, <c>@sp</c> span id, <c>RequestId</c> and the event's properties).
    /// Verbs print results on stdout, so their logs go to stderr.
    /// </summary>
    public static LoggerConfiguration WriteToConsole(this LoggerConfiguration logger, IConfiguration configuration, bool commandLineMode)
    {
        LogEventLevel? toStandardError = commandLineMode ? LogEventLevel.Verbose : null;
        var json = Format(configuration);
        if (!commandLineMode && Console.IsOutputRedirected)
        {
            // A container, systemd or a file: see BatchedConsoleSink.
            ITextFormatter formatter = json
                ? new RenderedCompactJsonFormatter()
                : new MessageTemplateTextFormatter(TextTemplate, CultureInfo.InvariantCulture);
            return logger.WriteTo.Sink(
                new BatchedConsoleSink(formatter, Console.OpenStandardOutput()),
                new BatchingOptions { BufferingTimeLimit = BatchedConsoleSink.Delay, BatchSizeLimit = 1000 }
            );
        }

        return json
            ? logger.WriteTo.Console(new RenderedCompactJsonFormatter(), standardErrorFromLevel: toStandardError)
            : logger.WriteTo.Console(standardErrorFromLevel: toStandardError);
    }

    /// <summary>The console sink's own line format, for the batched output.</summary>
    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    /// <summary>True for <c>json</c>, false for <c>text</c> or nothing; anything else is a configuration error.</summary>
    public static bool Format(IConfiguration configuration)
    {
        var format = configuration["Logging:Format"]?.Trim();
        if (string.IsNullOrEmpty(format) || string.Equals(format, "text", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return string.Equals(format, "json", StringComparison.OrdinalIgnoreCase)
            ? true
            : throw new Hosting.ConfigurationException($"Logging:Format '{format}' is neither text nor json.");
    }
}

/// <summary>Forwards log events to the sinks registered in DI; none in production.</summary>
internal sealed class SinkFanOut(IReadOnlyList<Serilog.Core.ILogEventSink> sinks) : Serilog.Core.ILogEventSink
{
    public void Emit(Serilog.Events.LogEvent logEvent)
    {
        foreach (var sink in sinks)
        {
            sink.Emit(logEvent);
        }
    }
}
