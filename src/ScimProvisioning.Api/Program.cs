using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using ScimProvisioning.Api;
using ScimProvisioning.Api.Admin;
using ScimProvisioning.Api.Cli;
using ScimProvisioning.Api.Hosting;
using ScimProvisioning.Api.Scim;
using ScimProvisioning.Api.Telemetry;
using Serilog;

// The command line is checked before anything starts: a typo is an error with the help, never a server on port 5000.
var command = CliGrammar.Parse(args, out var commandLineError);
if (command.Help || commandLineError is not null)
{
    var help = command.Help ? Console.Out : Console.Error;
    if (commandLineError is not null)
    {
        help.WriteLine($"error: {commandLineError}");
        help.WriteLine();
    }

    help.Write(CliGrammar.HelpText());
    return command.Help ? 0 : 2;
}

var commandLineMode = command.Verb is not null;

// appsettings*.json are read once: watching them for changes puts an inotify watch on the whole content root, and the
// default database lives under it (data/scim.db), so every SQLite write woke the watcher — 4.7 % of a GET's CPU in a
// profile. An operator who wants reloads passes --hostBuilder:reloadConfigOnChange=true (a later argument wins).
var builder = WebApplication.CreateBuilder(
    new WebApplicationOptions
    {
        Args = ["--hostBuilder:reloadConfigOnChange=false", .. CliGrammar.ConfigurationArguments(args)],
        ContentRootPath = ApplicationDirectory.ContentRoot(args),
    }
);
try
{
    builder.AddScimServer(commandLineMode);
}
catch (ConfigurationException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

var app = builder.Build();

if (commandLineMode)
{
    return await CommandLine.RunAsync(app.Services, command);
}

// Behind a proxy: scheme, host, client address and path prefix from the proxies named in Server:TrustedProxies only.
if (app.Services.GetService<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>() is { } forwarded)
{
    app.UseForwardedHeaders(forwarded);
}

// GET /metrics on the Prometheus port of Telemetry:Prometheus:Url, and nothing else there; off unless configured.
app.UseScimMetricsEndpoint();

// A public address with a path (https://example.com/scim) is also served below that path, for proxies that keep it.
var publicAddress = app.Services.GetRequiredService<PublicAddress>();
if (publicAddress.PathBase.HasValue)
{
    app.UsePathBase(publicAddress.PathBase);
}

app.Use(
    async (context, next) =>
    {
        // An API: nothing is sniffed, and authenticated answers are never cached. Set as the response starts, so
        // answers the exception handler rewrites (it clears headers) carry them too.
        // A static callback with the context as its state: no closure and delegate allocated per request.
        context.Response.OnStarting(
            static state =>
            {
                var http = (HttpContext)state;
                http.Response.Headers.XContentTypeOptions = "nosniff";
                http.Response.Headers.CacheControl = "no-store";
                if (http.Request.Path.StartsWithSegments("/dashboard"))
                {
                    // The dashboard loads only its own files and talks only to this server; no page may frame it.
                    http.Response.Headers.ContentSecurityPolicy =
                        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                        + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
                    http.Response.Headers["Referrer-Policy"] = "no-referrer";
                }

                return Task.CompletedTask;
            },
            context
        );
        await next();
    }
);

// PostgreSQL: the answer to a write retires the users kept in memory before the client can read again.
ScimProvisioning.Api.Persistence.Postgres.PostgresChangeFeed.UseWritesAdvanceChangeFeed(app);

// Request logging wraps the exception handler, so it logs the status the client really got.
app.UseMiddleware<RequestLogMiddleware>();

// The flight recorder sees each SCIM request's final answer, errors included, so it wraps the exception handler.
app.UseMiddleware<ScimProvisioning.Api.Recording.RecordingMiddleware>();
app.UseExceptionHandler();

// An error the framework answers without a body (no route: 404; a route without that method: 405) gets the error
// format of the API that was called, as every other error does.
app.UseStatusCodePages(async context =>
{
    var http = context.HttpContext;
    var status = http.Response.StatusCode;
    var detail =
        status == StatusCodes.Status405MethodNotAllowed
            ? $"{http.Request.Method} is not allowed on {http.Request.Path}."
            : $"Nothing is served at {http.Request.Method} {http.Request.Path}.";
    await ErrorResponses.WriteAsync(http, status, null, detail, AdminErrorCodes.ForStatus(status, null));
});

// The dashboard (wwwroot/dashboard): static files, no build step; it signs in with an admin token kept in the tab.
app.Use(
    async (context, next) =>
    {
        if (context.Request.Path.Equals("/dashboard", StringComparison.Ordinal))
        {
            context.Response.Redirect(publicAddress.Root(context.Request) + "/dashboard/");
            return;
        }

        await next();
    }
);

// Static files (only the dashboard's) and the OpenAPI pages are branches, so SCIM requests skip their middleware.
app.UseWhen(
    context => context.Request.Path.StartsWithSegments("/dashboard"),
    dashboard =>
    {
        dashboard.UseDefaultFiles();
        dashboard.UseStaticFiles();
    }
);
app.UseWhen(
    context => context.Request.Path.StartsWithSegments("/swagger"),
    swagger =>
    {
        swagger.UseSwagger();
        swagger.UseSwaggerUI();
    }
);
app.UseAuthentication();
app.UseScimRateLimiting();
app.UseAuthorization();

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
app.MapScim();
var accounts = app.MapGroup("/client/v4/accounts/{account_id}");
accounts.MapAdminMembers();
accounts.MapAdminTokens();
accounts.MapAdminPermissionGroups();
accounts.MapAdminResourceGroups();
accounts.MapAdminUserGroups();
accounts.MapAdminAuditLogs();
accounts.MapAdminProvisioningLog();
accounts.MapAdminEventReceivers();

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
