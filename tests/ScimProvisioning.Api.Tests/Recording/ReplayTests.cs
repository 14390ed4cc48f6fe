using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ScimProvisioning.Api.Recording;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Recording;

/// <summary>
/// Recorded IdP sessions (Recording/Sessions/*.jsonl, exported from the provisioning log by record_sessions.py) are
/// regression fixtures: replayed through <see cref="SessionReplay"/>, this server must answer each request as it did.
/// </summary>
public sealed class ReplayTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    public static TheoryData<string, string> Sessions() =>
        new()
        {
            { "okta", "okta" },
            { "entra", "entra" },
            { "authentik", "authentik" },
        };

    private static string[] Fixture(string name) =>
        File.ReadAllLines(
            Path.Combine(RouteTable.RepositoryRoot(), "tests", "ScimProvisioning.Api.Tests", "Recording", "Sessions", name + ".jsonl")
        );

    [Theory]
    [MemberData(nameof(Sessions))]
    public async Task A_recorded_session_replays_with_every_answer_as_recorded_and_is_recorded_again_as_the_same_idp(
        string name,
        string idp
    )
    {
        var lines = Fixture(name);
        Assert.True(lines.Length >= 10, $"{name}.jsonl holds {lines.Length} requests");
        Assert.Contains(lines, l => JsonNode.Parse(l)!["idp"]!.GetValue<string>() == idp);
        var account = await factory.CreateAccountAsync();
        var output = new StringWriter();

        var result = await new SessionReplay(account.Scim, "http://localhost" + account.ScimBase).RunAsync(lines, output, default);

        Assert.True(result.Differences.Count == 0, output.ToString());
        Assert.Equal(lines.Length, result.Sent);
        var recorded = lines.Select(l => JsonNode.Parse(l)!).ToList();
        var again = await account.LogAsync();
        Assert.Equal(recorded.Select(e => e["idp"]!.GetValue<string>()), again.Select(e => e.Text("idp")));
        Assert.Equal(recorded.Select(e => e["shape"]!.GetValue<string>()), again.Select(e => e.Text("shape")));
        Assert.Equal(recorded.Select(e => e["cloudflare"]!["verdict"]!.GetValue<string>()), again.Select(e => e.Verdict()));
    }

    [Fact]
    public async Task Replaying_against_a_server_that_answers_differently_prints_where()
    {
        await using var cloudflare = new CloudflareApiFactory();
        var account = await cloudflare.CreateAccountAsync();
        var output = new StringWriter();

        var result = await new SessionReplay(account.Scim, "http://localhost" + account.ScimBase).RunAsync(
            Fixture("okta"),
            output,
            default
        );

        // The Cloudflare profile answers a group PATCH with 200 and the group where the Standard profile said 204.
        Assert.NotEmpty(result.Differences);
        Assert.Contains(result.Differences, d => d.Request.StartsWith("PATCH /Groups/", StringComparison.Ordinal));
        Assert.Contains("status: recorded 204, got 200", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_replay_verb_sends_a_session_to_a_listening_server_and_exits_1_when_answers_differ()
    {
        await using var server = new ListeningFactory();
        server.StartServer();
        var account = await server.CreateAccountAsync();
        var url = server.ClientOptions.BaseAddress.ToString().TrimEnd('/') + account.ScimBase;
        var file = Path.Combine(RouteTable.RepositoryRoot(), "tests", "ScimProvisioning.Api.Tests", "Recording", "Sessions", "entra.jsonl");

        var same = await RunAsync("replay", file, "--url", url, "--token", account.ScimToken);
        Assert.True(same.ExitCode == 0, same.Stdout + same.Stderr + string.Join('\n', server.Logs.Warnings));
        Assert.Contains("answered as recorded, 0 differ", same.Stdout, StringComparison.Ordinal);

        // The same session again: the users and groups now exist, so the creations answer 409.
        var again = await RunAsync("replay", file, "--url", url, "--token", account.ScimToken);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("status: recorded 201, got 409", again.Stdout, StringComparison.Ordinal);

        Assert.Equal(2, (await RunAsync("replay", "/no/such/file.jsonl", "--url", url, "--token", "x")).ExitCode);
        Assert.Equal(2, (await RunAsync("replay", file)).ExitCode);

        // compat-report reads the same log: two runs of a 12-request session, by IdP and shape.
        await server.Services.GetRequiredService<ProvisioningRecorder>().FlushAsync();
        // The verb reads the server's own database, on whichever engine the suite runs.
        var configuration = server.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
        var database = (configuration["Database:Provider"]!, configuration["ConnectionStrings:Scim"]!);
        var text = await RunWithDatabaseAsync(database, "compat-report", "--account", account.AccountId);
        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Contains("24 requests:", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("[entra] DELETE /Users/{id}: 2 — 0 accepted, 2 rejected", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("fails, e.g. ", text.Stdout, StringComparison.Ordinal);
        var json = JsonNode.Parse(
            (await RunWithDatabaseAsync(database, "compat-report", "--account", account.AccountId, "--json")).Stdout
        )!;
        Assert.Equal(24, json["total"]!.GetValue<int>());
        Assert.Equal(1, (await RunWithDatabaseAsync(database, "compat-report", "--account", "ffffffffffffffffffffffffffffffff")).ExitCode);
        Assert.Equal(
            2,
            (await RunWithDatabaseAsync(database, "compat-report", "--account", account.AccountId, "--since", "yesterday")).ExitCode
        );
    }

    private sealed class ListeningFactory : ScimApiFactory
    {
        public ListeningFactory() => UseKestrel(0);

        protected override string Profile => "Standard";
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        RunWithDatabaseAsync(("Sqlite", $"Data Source={Path.Combine(Path.GetTempPath(), "scim-replay-unused.db")}"), args);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunWithDatabaseAsync(
        (string Provider, string ConnectionString) database,
        params string[] args
    )
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Database__Provider"] = database.Provider;
        start.Environment["ConnectionStrings__Scim"] = database.ConnectionString;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout, await stderr);
    }
}
