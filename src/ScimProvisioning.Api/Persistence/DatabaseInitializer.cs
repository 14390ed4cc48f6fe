using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Domain.Accounts;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Tokens;

namespace ScimProvisioning.Api.Persistence;

/// <summary>
/// On start: applies migrations (unless <c>Database:MigrateOnStartup=false</c>), creates the default account on an
/// empty database, and — once the server listens — prints the SCIM base URL and fresh tokens to the console
/// (never to the log; with JSON logs the base URL is logged and no token is printed).
/// </summary>
public sealed class DatabaseInitializer(
    IServiceScopeFactory scopes,
    IOptions<DatabaseOptions> database,
    IOptions<BootstrapOptions> bootstrap,
    IHostApplicationLifetime lifetime,
    IServer server,
    Hosting.PublicAddress publicAddress,
    IConfiguration configuration,
    ILogger<DatabaseInitializer> logger
) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
        if (database.Value.MigrateOnStartup)
        {
            await SchemaMigration.MigrateAsync(db, cancellationToken);
        }

        var account = await scope
            .ServiceProvider.GetRequiredService<AccountSetup>()
            .EnsureDefaultAccountAsync(bootstrap.Value.SuperAdministratorEmail, cancellationToken, bootstrap.Value.SuperAdministratorName);
        logger.LogInformation("Default account {AccountId} is ready", account.Id);

        if (ConsoleLogging.Format(configuration))
        {
            // JSON logs are for a log pipeline: the base URL goes there as an event; tokens never do (use `tokens create`).
            lifetime.ApplicationStarted.Register(() =>
                logger.LogInformation(
                    "SCIM base URL {ScimBaseUrl} (issue tokens with the tokens create verb)",
                    $"{publicAddress.Root(server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault())}"
                        + $"/client/v4/accounts/{account.Id}/scim/v2"
                )
            );
        }
        else if (bootstrap.Value.PrintTokensOnStartup)
        {
            lifetime.ApplicationStarted.Register(() => PrintConnectionDetails(account.Id));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void PrintConnectionDetails(string accountId)
    {
        using var scope = scopes.CreateScope();
        var tokens = scope.ServiceProvider.GetRequiredService<TokenService>();
        var scim = tokens
            .CreateAsync(
                Actor.System,
                accountId,
                "Startup SCIM token",
                TokenPermissions.ForShorthand("scim")!,
                null,
                CancellationToken.None
            )
            .GetAwaiter()
            .GetResult();
        var admin = tokens
            .CreateAsync(
                Actor.System,
                accountId,
                "Startup admin token",
                TokenPermissions.ForShorthand("admin")!,
                null,
                CancellationToken.None
            )
            .GetAwaiter()
            .GetResult();
        var address = publicAddress.Root(server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault());
        var output = Console.Out;
        output.WriteLine();
        output.WriteLine("ScimProvisioning is running.");
        output.WriteLine($"  SCIM base URL : {address.TrimEnd('/')}/client/v4/accounts/{accountId}/scim/v2");
        output.WriteLine($"  SCIM token    : {scim.Value}");
        output.WriteLine($"  Admin token   : {admin.Value}");
        output.WriteLine($"  Dashboard     : {address.TrimEnd('/')}/dashboard  (sign in with the account id and the admin token)");
        output.WriteLine($"  Swagger UI    : {address.TrimEnd('/')}/swagger");
        output.WriteLine("Paste the base URL and SCIM token into your IdP's SCIM connector (Okta, Entra ID, authentik).");
        output.WriteLine();
    }
}
