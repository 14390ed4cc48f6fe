using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;
using Serilog.Events;

namespace ScimProvisioning.Api.Tests.Telemetry;

/// <summary>
/// One event per request (RequestLogMiddleware), with the template and properties of Serilog.AspNetCore's request
/// log, which it replaced: dashboards and queries built on those keep working.
/// </summary>
public sealed class RequestLogTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    private const string Template = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms";

    private LogEvent[] RequestEvents(string path) =>
        [
            .. factory.Logs.LogEvents.Where(e =>
                e.MessageTemplate.Text == Template
                && e.Properties.TryGetValue("RequestPath", out var value)
                && value is ScalarValue { Value: string logged }
                && logged == path
            ),
        ];

    private static object? Scalar(LogEvent logEvent, string name) => Assert.IsType<ScalarValue>(logEvent.Properties[name]).Value;

    [Fact]
    public async Task Each_request_is_one_event_with_method_path_status_elapsed_request_id_and_trace()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("logged@example.com");
        var path = $"{account.ScimBase}/Users/{user}";

        var response = await account.Scim.GetAsync(path + "?attributes=userName");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var logged = Assert.Single(RequestEvents(path));
        Assert.Equal(LogEventLevel.Information, logged.Level);
        Assert.Equal("GET", Scalar(logged, "RequestMethod"));
        Assert.Equal(200, Scalar(logged, "StatusCode"));
        Assert.InRange(Assert.IsType<double>(Scalar(logged, "Elapsed")), 0, 60_000);
        Assert.False(string.IsNullOrEmpty(Assert.IsType<string>(Scalar(logged, "RequestId"))));
        Assert.NotNull(logged.TraceId);
        Assert.NotNull(logged.SpanId);
        Assert.StartsWith(
            $"HTTP \"GET\" \"{path}\" responded 200 in ",
            logged.RenderMessage(System.Globalization.CultureInfo.InvariantCulture),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task Errors_are_logged_with_their_status_and_an_escaped_path_without_the_query()
    {
        var account = await factory.CreateAccountAsync();
        var path = $"{account.ScimBase}/Users/no such user";

        var missing = await account.Scim.GetAsync(path + "?secret=query");
        var anonymous = await factory.CreateClient().DeleteAsync($"{account.ScimBase}/Users/x");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var notFound = Assert.Single(RequestEvents($"{account.ScimBase}/Users/no%20such%20user"));
        Assert.Equal(404, Scalar(notFound, "StatusCode"));
        Assert.Equal(LogEventLevel.Information, notFound.Level);
        var refused = Assert.Single(RequestEvents($"{account.ScimBase}/Users/x"));
        Assert.Equal("DELETE", Scalar(refused, "RequestMethod"));
        Assert.Equal(401, Scalar(refused, "StatusCode"));
        Assert.DoesNotContain(factory.Logs.Events, e => e.Contains("secret=query", StringComparison.Ordinal));
    }
}
