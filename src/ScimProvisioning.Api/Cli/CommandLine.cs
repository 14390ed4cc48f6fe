using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Api.Persistence;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Accounts;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Tokens;

namespace ScimProvisioning.Api.Cli;

/// <summary>
/// Verbs of the server program: <c>bootstrap --json</c>, <c>tokens create</c>, <c>migrate</c>. Results go to stdout;
/// logs go to stderr, so <c>bootstrap --json</c> prints nothing but its JSON.
/// </summary>
public static class CommandLine
{
    public static readonly string[] Verbs = ["bootstrap", "tokens", "migrate", "seed", "accounts", "compat-report", "replay"];

    public static bool IsVerb(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.OrdinalIgnoreCase);

    /// <summary>Only <c>--Section:Key=value</c> style arguments reach ASP.NET configuration; verb options do not.</summary>
    public static string[] ConfigurationArguments(string[] args) =>
        IsVerb(args)
            ? args.Where(a =>
                    a.StartsWith("--", StringComparison.Ordinal)
                    && a.Contains('=', StringComparison.Ordinal)
                    && a.Contains(':', StringComparison.Ordinal)
                )
                .ToArray()
            : args;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args)
    {
        try
        {
            return args[0].ToLowerInvariant() switch
            {
                "migrate" => await MigrateAsync(services),
                "bootstrap" => await BootstrapAsync(services, args),
                "tokens" when args.Length > 1 && args[1] == "create" => await CreateTokenAsync(services, args),
                "seed" => await SeedAsync(services, args),
                "accounts" when args.Length > 1 && args[1] == "create" => await CreateAccountAsync(services, args),
                "compat-report" => await CompatReportAsync(services, args),
                "replay" => await ReplayAsync(args),
                _ => Usage(),
            };
        }
        catch (DomainException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> MigrateAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        await SchemaMigration.MigrateAsync(scope.ServiceProvider.GetRequiredService<ScimDbContext>());
        await Console.Error.WriteLineAsync("Database is up to date.");
        return 0;
    }

    private static async Task<int> BootstrapAsync(IServiceProvider services, string[] args)
    {
        using var scope = services.CreateScope();
        await SchemaMigration.MigrateAsync(scope.ServiceProvider.GetRequiredService<ScimDbContext>());
        var bootstrap = scope.ServiceProvider.GetRequiredService<IOptions<BootstrapOptions>>().Value;
        var account = await scope
            .ServiceProvider.GetRequiredService<AccountSetup>()
            .EnsureDefaultAccountAsync(bootstrap.SuperAdministratorEmail, CancellationToken.None, bootstrap.SuperAdministratorName);
        var tokens = scope.ServiceProvider.GetRequiredService<TokenService>();
        var scim = await tokens.CreateAsync(
            Actor.System,
            account.Id,
            "Bootstrap SCIM token",
            TokenPermissions.ForShorthand("scim")!,
            null,
            CancellationToken.None
        );
        var admin = await tokens.CreateAsync(
            Actor.System,
            account.Id,
            "Bootstrap admin token",
            TokenPermissions.ForShorthand("admin")!,
            null,
            CancellationToken.None
        );
        if (args.Contains("--json", StringComparer.Ordinal))
        {
            Console.Out.WriteLine(
                JsonSerializer.Serialize(
                    new
                    {
                        accountId = account.Id,
                        scimToken = scim.Value,
                        adminToken = admin.Value,
                    }
                )
            );
        }
        else
        {
            Console.Out.WriteLine($"Account:      {account.Id}");
            Console.Out.WriteLine($"SCIM token:   {scim.Value}");
            Console.Out.WriteLine($"Admin token:  {admin.Value}");
        }

        return 0;
    }

    private static async Task<int> CreateTokenAsync(IServiceProvider services, string[] args)
    {
        var account = Option(args, "--account");
        var permission = Option(args, "--permission");
        var expires = Option(args, "--expires");
        var name = Option(args, "--name");
        var permissions = permission is null ? null : TokenPermissions.ForShorthand(permission);
        if (account is null || permissions is null)
        {
            return Usage();
        }

        DateTime? expiresOn = null;
        if (expires is not null)
        {
            if (TimeSpanParser.TryParse(expires, out var lifetime))
            {
                expiresOn = DateTime.UtcNow.Add(lifetime);
            }
            else if (DateTimeOffset.TryParse(expires, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment))
            {
                expiresOn = moment.UtcDateTime;
            }
            else
            {
                await Console.Error.WriteLineAsync("error: --expires takes a duration (30d, 12h, 90m) or an ISO 8601 date.");
                return 2;
            }
        }

        using var scope = services.CreateScope();
        var token = await scope
            .ServiceProvider.GetRequiredService<TokenService>()
            .CreateAsync(Actor.System, account, name ?? $"CLI {permission} token", permissions, expiresOn, CancellationToken.None);
        Console.Out.WriteLine(token.Value);
        return 0;
    }

    /// <summary><c>accounts create [--name NAME] [--admin-email EMAIL]</c>: a new account; prints its id and fresh tokens as
    /// JSON.</summary>
    private static async Task<int> CreateAccountAsync(IServiceProvider services, string[] args)
    {
        using var scope = services.CreateScope();
        await SchemaMigration.MigrateAsync(scope.ServiceProvider.GetRequiredService<ScimDbContext>());
        var account = await scope
            .ServiceProvider.GetRequiredService<AccountSetup>()
            .CreateAsync(Option(args, "--name") ?? "Account", Option(args, "--admin-email") ?? "admin@example.com", CancellationToken.None);
        var tokens = scope.ServiceProvider.GetRequiredService<TokenService>();
        var scim = await tokens.CreateAsync(
            Actor.System,
            account.Id,
            "SCIM token",
            TokenPermissions.ForShorthand("scim")!,
            null,
            CancellationToken.None
        );
        var admin = await tokens.CreateAsync(
            Actor.System,
            account.Id,
            "Admin token",
            TokenPermissions.ForShorthand("admin")!,
            null,
            CancellationToken.None
        );
        Console.Out.WriteLine(
            JsonSerializer.Serialize(
                new
                {
                    accountId = account.Id,
                    scimToken = scim.Value,
                    adminToken = admin.Value,
                }
            )
        );
        return 0;
    }

    private static async Task<int> SeedAsync(IServiceProvider services, string[] args)
    {
        var account = Option(args, "--account");
        if (
            account is null
            || !int.TryParse(Option(args, "--users") ?? "0", CultureInfo.InvariantCulture, out var users)
            || !int.TryParse(Option(args, "--groups") ?? "0", CultureInfo.InvariantCulture, out var groups)
            || !int.TryParse(Option(args, "--group-size") ?? "0", CultureInfo.InvariantCulture, out var groupSize)
            || users < 0
            || groups < 0
            || groupSize < 0
        )
        {
            return Usage();
        }

        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
        await SchemaMigration.MigrateAsync(db);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var groupIds = await Seeder.SeedAsync(db, account, users, groups, groupSize, Console.Error);
        Console.Out.WriteLine(
            JsonSerializer.Serialize(
                new
                {
                    account,
                    users,
                    groups = groupIds,
                    groupSize,
                    seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
                }
            )
        );
        return 0;
    }

    /// <summary><c>compat-report --account ID [--since T] [--before T] [--json]</c>: would Cloudflare accept the recorded
    /// traffic.</summary>
    private static async Task<int> CompatReportAsync(IServiceProvider services, string[] args)
    {
        var account = Option(args, "--account");
        DateTime? since = null,
            before = null;
        if (account is null || !TryTime(Option(args, "--since"), out since) || !TryTime(Option(args, "--before"), out before))
        {
            return Usage();
        }

        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
        await SchemaMigration.MigrateAsync(db);
        if (!await db.Accounts.AnyAsync(a => a.Id == account))
        {
            await Console.Error.WriteLineAsync($"error: no account '{account}'");
            return 1;
        }

        var report = await Recording.CompatibilityReport.BuildAsync(db, account, since, before, CancellationToken.None);
        Console.Out.Write(
            args.Contains("--json") ? JsonSerializer.Serialize(report, Admin.CloudflareEnvelope.JsonOptions) + "\n" : report.ToText()
        );
        return 0;
    }

    /// <summary><c>replay FILE --url URL --token TOKEN</c>: sends a recorded session; exit 1 when an answer differs.</summary>
    private static async Task<int> ReplayAsync(string[] args)
    {
        var file = args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : null;
        var url = Option(args, "--url");
        var token = Option(args, "--token");
        if (file is null || url is null || token is null || !Uri.TryCreate(url, UriKind.Absolute, out var baseUri))
        {
            return Usage();
        }

        // `dotnet run --project` starts the program in the project's directory: a relative path means the caller's.
        if (!File.Exists(file) && !Path.IsPathRooted(file) && Environment.GetEnvironmentVariable("PWD") is { Length: > 0 } caller)
        {
            file = Path.Combine(caller, file);
        }

        if (!File.Exists(file))
        {
            await Console.Error.WriteLineAsync($"error: no file '{file}'");
            return 2;
        }

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(100) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        try
        {
            var result = await new Recording.SessionReplay(client, baseUri.ToString()).RunAsync(
                File.ReadLines(file),
                Console.Out,
                CancellationToken.None
            );
            return result.Differences.Count == 0 ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or FormatException or JsonException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
    }

    private static bool TryTime(string? text, out DateTime? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }

        if (
            DateTime.TryParse(
                text,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal,
                out var parsed
            )
        )
        {
            value = DateTime.SpecifyKind(parsed, DateTimeKind.Utc);
            return true;
        }

        return false;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static int Usage()
    {
        Console.Error.WriteLine(
            """
            usage:
              ScimProvisioning.Api                          run the server
              ScimProvisioning.Api migrate                  apply database migrations
              ScimProvisioning.Api bootstrap [--json]       create schema and default account; print account id and fresh tokens
              ScimProvisioning.Api tokens create --account ID --permission scim|admin|read|tokens|"NAME, NAME"
                                   [--expires 30d|2027-01-01] [--name NAME]
              ScimProvisioning.Api accounts create [--name NAME] [--admin-email EMAIL]   a new account, with fresh tokens (JSON)
              ScimProvisioning.Api seed --account ID --users N [--groups G --group-size M]   fill an account for benchmarks
              ScimProvisioning.Api compat-report --account ID [--since TIME] [--before TIME] [--json]
                                   would Cloudflare accept the recorded SCIM traffic (docs/recorder.md)
              ScimProvisioning.Api replay FILE --url SCIM_BASE_URL --token TOKEN
                                   send a recorded session (JSON lines) and print where the answers differ
            """
        );
        return 2;
    }
}

internal static class TimeSpanParser
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        if (text.Length < 2 || !int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        value = text[^1] switch
        {
            'd' => TimeSpan.FromDays(amount),
            'h' => TimeSpan.FromHours(amount),
            'm' => TimeSpan.FromMinutes(amount),
            _ => TimeSpan.Zero,
        };
        return value > TimeSpan.Zero;
    }
}
