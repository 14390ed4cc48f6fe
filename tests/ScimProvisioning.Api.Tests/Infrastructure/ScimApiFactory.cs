using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Domain.Accounts;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Tokens;

namespace ScimProvisioning.Api.Tests.Infrastructure;

/// <summary>
/// The real server over a real SQLite file (migrated at start) with real JwtBearer validation. Tests isolate
/// themselves by creating an account each: nothing is visible across accounts.
/// </summary>
public abstract class ScimApiFactory : WebApplicationFactory<Program>
{
    public const string SigningKey = "test-signing-key-that-is-long-enough-for-hmac-sha256!";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scim-tests-" + Guid.NewGuid().ToString("N"));

    protected abstract string Profile { get; }

    public string DatabasePath => Path.Combine(_directory, "scim.db");

    /// <summary>Runs on PostgreSQL when SCIM_TEST_PROVIDER=Postgres (see <see cref="PostgresTestServer"/>).</summary>
    protected virtual bool UsePostgres => PostgresTestServer.Selected;

    private string? _postgresDatabase;

    /// <summary>The connection string of this factory's PostgreSQL database, once the server has started on one.</summary>
    public string? PostgresConnectionString => _postgresDatabase;

    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            .. UsePostgres
                ? new KeyValuePair<string, string?>[]
                {
                    new("Database:Provider", "Postgres"),
                    new("ConnectionStrings:Scim", PostgresConnection()),
                }
                : [new("Database:Provider", "Sqlite"), new("ConnectionStrings:Scim", $"Data Source={DatabasePath}")],
            new("Auth:SigningKey", SigningKey),
            new("Scim:Profile", Profile),
            new("RateLimit:Enabled", "false"),
            new("Bootstrap:PrintTokensOnStartup", "false"),
            new("Auth:RevocationCacheSeconds", "0"),
            new("Recorder:MaxWriterShare", "1"), // tests read the log right after writing it
        ];

    /// <summary>Every log event the server wrote, rendered with its properties (see <see cref="LogCapture"/>).</summary>
    public LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_directory);
        foreach (var (key, value) in Settings())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<Serilog.Core.ILogEventSink>(Logs));
    }

    /// <summary>A fresh account with its Super Administrator, a SCIM token and an admin token.</summary>
    public async Task<TestAccount> CreateAccountAsync(string superAdministratorEmail = "owner@example.com")
    {
        using var scope = Services.CreateScope();
        var account = await scope
            .ServiceProvider.GetRequiredService<AccountSetup>()
            .CreateAsync("Test account", superAdministratorEmail, CancellationToken.None);
        var tokens = scope.ServiceProvider.GetRequiredService<TokenService>();
        var scim = await tokens.CreateAsync(
            Actor.System,
            account.Id,
            "test scim",
            [TokenPermissions.ScimProvisioningEdit],
            null,
            CancellationToken.None
        );
        var admin = await tokens.CreateAsync(Actor.System, account.Id, "test admin", TokenPermissions.All, null, CancellationToken.None);
        return new TestAccount(this, account.Id, scim.Value, scim.Record.Id, admin.Value);
    }

    public async Task<string> CreateTokenAsync(string accountId, IReadOnlyList<string> permissions, DateTime? expiresOn = null)
    {
        using var scope = Services.CreateScope();
        return (
            await scope
                .ServiceProvider.GetRequiredService<TokenService>()
                .CreateAsync(Actor.System, accountId, "test", permissions, expiresOn, CancellationToken.None)
        ).Value;
    }

    public HttpClient ClientWithToken(string? token)
    {
        var client = CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private string PostgresConnection() => _postgresDatabase ??= PostgresTestServer.CreateDatabase();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (_postgresDatabase is not null)
        {
            PostgresTestServer.DropDatabase(_postgresDatabase);
        }

        try
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException) { }
    }
}

public sealed class CloudflareApiFactory : ScimApiFactory
{
    protected override string Profile => "Cloudflare";
}

public sealed class StandardApiFactory : ScimApiFactory
{
    protected override string Profile => "Standard";
}

/// <summary>Cloudflare's exact behaviour: only deprovisioning the last Super Administrator is guarded.</summary>
public sealed class UnguardedApiFactory : ScimApiFactory
{
    protected override string Profile => "Standard";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        base.Settings().Append(new("Guards:PreventSuperAdminLockout", "false"));
}

/// <summary>Keeps the text of every log event: message, properties and exception.</summary>
public sealed class LogCapture : Serilog.Core.ILogEventSink
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _events = new();

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _warnings = new();

    private readonly System.Collections.Concurrent.ConcurrentQueue<Serilog.Events.LogEvent> _logEvents = new();

    public IReadOnlyList<string> Events => [.. _events];

    /// <summary>The events themselves, for their template, level, properties and trace ids.</summary>
    public IReadOnlyList<Serilog.Events.LogEvent> LogEvents => [.. _logEvents];

    /// <summary>The events of level Warning and above.</summary>
    public IReadOnlyList<string> Warnings => [.. _warnings];

    public void Emit(Serilog.Events.LogEvent logEvent)
    {
        _logEvents.Enqueue(logEvent);
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        logEvent.RenderMessage(writer, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in logEvent.Properties)
        {
            writer.Write($" {name}=");
            value.Render(writer, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }

        writer.Write(logEvent.Exception?.ToString());
        _events.Enqueue(writer.ToString());
        if (logEvent.Level >= Serilog.Events.LogEventLevel.Warning)
        {
            _warnings.Enqueue(writer.ToString());
        }
    }
}
