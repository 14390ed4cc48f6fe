using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Cli;

/// <summary>The verbs of the server program, run as a real process against a real SQLite file.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scim-cli-" + Guid.NewGuid().ToString("N"));

    public CommandLineTests() => Directory.CreateDirectory(_directory);

    private string Database => Path.Combine(_directory, "cli.db");

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__Scim"] = $"Data Source={Database}";
        start.Environment["Auth__SigningKey"] = ScimApiFactory.SigningKey;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Bootstrap_json_prints_only_json_with_fresh_tokens_each_call()
    {
        var first = await RunAsync("bootstrap", "--json");
        var second = await RunAsync("bootstrap", "--json");

        Assert.Equal(0, first.ExitCode);
        var a = JsonNode.Parse(first.Stdout)!;
        var b = JsonNode.Parse(second.Stdout)!;
        Assert.Matches("^[0-9a-f]{32}$", a["accountId"]!.GetValue<string>());
        Assert.Equal(a["accountId"]!.GetValue<string>(), b["accountId"]!.GetValue<string>());
        Assert.NotEqual(a["scimToken"]!.GetValue<string>(), b["scimToken"]!.GetValue<string>());
        Assert.NotEqual(a["adminToken"]!.GetValue<string>(), b["adminToken"]!.GetValue<string>());
        Assert.DoesNotContain(a["scimToken"]!.GetValue<string>(), first.Stderr);
    }

    [Fact]
    public async Task Help_prints_every_verb_on_stdout_and_exits_0()
    {
        var result = await RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var verb in ScimProvisioning.Api.Cli.CliGrammar.Verbs)
        {
            Assert.Contains(verb.Usage, result.Stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("compat-reprt")]
    [InlineData("--prot", "5000")]
    [InlineData("compat-report")]
    [InlineData("tokens", "create", "--account", "x", "--permision", "scim")]
    public async Task A_typo_exits_2_with_the_error_and_the_help_and_starts_nothing(params string[] args)
    {
        var started = Stopwatch.StartNew();
        var result = await RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("usage: ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
        Assert.DoesNotContain("Now listening", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Database), "nothing may touch the database");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData("--Server:PublicBaseUrl=ftp://scim.example.com", "Server:PublicBaseUrl")]
    [InlineData("--Server:TrustedProxies=10.0.0.0/33", "Server:TrustedProxies")]
    [InlineData("--Logging:Format=xml", "Logging:Format")]
    [InlineData("--Telemetry:Prometheus:Url=http://127.0.0.1", "Telemetry:Prometheus:Url")]
    [InlineData("--Telemetry:Otlp:Endpoint=collector:4317", "Telemetry:Otlp:Endpoint")]
    public async Task A_setting_the_server_cannot_use_stops_it_with_a_message(string setting, string key)
    {
        var result = await RunAsync(setting);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(key, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal); // a message, not a stack trace
    }

    [Fact]
    public async Task Tokens_create_issues_a_token_the_server_accepts()
    {
        var bootstrap = JsonNode.Parse((await RunAsync("bootstrap", "--json")).Stdout)!;
        var accountId = bootstrap["accountId"]!.GetValue<string>();
        var created = await RunAsync("tokens", "create", "--account", accountId, "--permission", "scim", "--expires", "30d");
        Assert.Equal(0, created.ExitCode);

        await using var factory = new FileFactory(Database);
        var response = await factory.ClientWithToken(created.Stdout.Trim()).GetAsync($"/client/v4/accounts/{accountId}/scim/v2/Users");
        var body = await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(1, body["totalResults"]!.GetValue<int>()); // the bootstrap Super Administrator
    }

    [Fact]
    public async Task Tokens_create_for_an_unknown_account_fails_with_a_message()
    {
        await RunAsync("migrate");
        var result = await RunAsync("tokens", "create", "--account", "0123456789abcdef0123456789abcdef", "--permission", "admin");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("does not exist", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Migrate_creates_the_schema()
    {
        var result = await RunAsync("migrate");
        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(Database));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException) { }
    }

    /// <summary>The server over the database file the CLI wrote.</summary>
    private sealed class FileFactory(string database) : ScimApiFactory
    {
        protected override string Profile => "Cloudflare";

        protected override bool UsePostgres => false; // a SQLite file of its own

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            base.Settings()
                .Select(s => s.Key == "ConnectionStrings:Scim" ? new KeyValuePair<string, string?>(s.Key, $"Data Source={database}") : s);
    }
}
