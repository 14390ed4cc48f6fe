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
/// Runs the verbs of the server program (<see cref="CliGrammar"/> has the table). Results go to stdout; logs go to
/// stderr, so <c>bootstrap --json</c> prints nothing but its JSON.
/// </summary>
public static class CommandLine
{
    public static async Task<int> RunAsync(IServiceProvider services, CliCommand command)
    {
        try
        {
            return command.Verb!.Name switch
            {
                "migrate" => await MigrateAsync(services),
                "bootstrap" => await BootstrapAsync(services, command),
                "tokens" => await CreateTokenAsync(services, command),
                "seed" => await SeedAsync(services, command),
                "accounts" => await CreateAccountAsync(services, command),
                "compat-report" => await CompatReportAsync(services, command),
                _ => await ReplayAsync(command),
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

    private static async Task<int> BootstrapAsync(IServiceProvider services, CliCommand command)
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
        if (command.Flag("--json"))
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

    private static async Task<int> CreateTokenAsync(IServiceProvider services, CliCommand command)
    {
        var account = command.Option("--account");
        var permission = command.Option("--permission");
        var expires = command.Option("--expires");
        var name = command.Option("--name");
        var permissions = permission is null ? null : TokenPermissions.ForShorthand(permission);
        if (account is null || permissions is null)
        {
            return Usage($"--permission '{permission}' is not scim, admin, read, tokens or a list of permission names");
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
    private static async Task<int> CreateAccountAsync(IServiceProvider services, CliCommand command)
    {
        using var scope = services.CreateScope();
        await SchemaMigration.MigrateAsync(scope.ServiceProvider.GetRequiredService<ScimDbContext>());
        var account = await scope
            .ServiceProvider.GetRequiredService<AccountSetup>()
            .CreateAsync(
                command.Option("--name") ?? "Account",
                command.Option("--admin-email") ?? "admin@example.com",
                CancellationToken.None
            );
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

    private static async Task<int> SeedAsync(IServiceProvider services, CliCommand command)
    {
        var account = command.Option("--account");
        if (
            account is null
            || !int.TryParse(command.Option("--users") ?? "0", CultureInfo.InvariantCulture, out var users)
            || !int.TryParse(command.Option("--groups") ?? "0", CultureInfo.InvariantCulture, out var groups)
            || !int.TryParse(command.Option("--group-size") ?? "0", CultureInfo.InvariantCulture, out var groupSize)
            || users < 0
            || groups < 0
            || groupSize < 0
        )
        {
            return Usage("--users, --groups and --group-size take whole numbers of zero or more");
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
    private static async Task<int> CompatReportAsync(IServiceProvider services, CliCommand command)
    {
        var account = command.Option("--account");
        DateTime? since = null,
            before = null;
        if (account is null || !TryTime(command.Option("--since"), out since) || !TryTime(command.Option("--before"), out before))
        {
            return Usage("--since and --before take an ISO 8601 time (2026-12-01 or 2026-12-01T10:00:00Z)");
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
            command.Flag("--json") ? JsonSerializer.Serialize(report, Admin.CloudflareEnvelope.JsonOptions) + "\n" : report.ToText()
        );
        return 0;
    }

    /// <summary><c>replay FILE --url URL --token TOKEN</c>: sends a recorded session; exit 1 when an answer differs.</summary>
    private static async Task<int> ReplayAsync(CliCommand command)
    {
        var file = command.Positional;
        var url = command.Option("--url");
        var token = command.Option("--token");
        if (file is null || url is null || token is null || !Uri.TryCreate(url, UriKind.Absolute, out var baseUri))
        {
            return Usage($"--url '{url}' is not an absolute URL");
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

    /// <summary>A value the grammar accepted but the verb cannot use: the error, then the help.</summary>
    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"error: {problem}");
        Console.Error.WriteLine();
        Console.Error.Write(CliGrammar.HelpText());
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
