using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ScimProvisioning.Api.Events;
using ScimProvisioning.Api.Recording;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Events;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Tests.Events;

/// <summary>Delivery driven round by round (the background loop is off): real receivers, real signatures.</summary>
public sealed class EventDeliveryTests(EventDeliveryTests.EventsFactory factory) : IClassFixture<EventDeliveryTests.EventsFactory>
{
    private const string Secret = "receiver-secret-0123456789-0123456789";

    public sealed class EventsFactory : ScimApiFactory
    {
        protected override string Profile => "Standard";

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            base.Settings()
                .Concat([
                    new("Events:Enabled", "false"),
                    new("Events:AllowPrivateReceivers", "true"),
                    new("Events:MaxAttempts", "3"),
                    new("Events:InitialBackoffSeconds", "0"),
                    new("Events:TimeoutSeconds", "1"),
                ]);
    }

    private EventDispatcher Dispatcher => factory.Services.GetRequiredService<EventDispatcher>();

    private static async Task<string> RegisterAsync(TestAccount account, string kind, string url, string mode = "notice")
    {
        var response = await account.AdminPostAsync(
            "/events/receivers",
            $$"""{"name":"test {{kind}}","kind":"{{kind}}","url":"{{url}}","secret":"{{Secret}}","mode":"{{mode}}"}"""
        );
        var body = await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Null(body["result"]!["secret"]);
        return body["result"]!["id"]!.GetValue<string>();
    }

    private async Task<int> OutboxCountAsync(TestAccount account) =>
        await account.QueryAsync(db => db.OutboxEvents.CountAsync(e => e.AccountId == account.AccountId));

    [Theory]
    [InlineData("okta")]
    [InlineData("entra")]
    public async Task Every_event_of_an_idp_replay_arrives_as_a_verifiable_set_once_per_jti(string session)
    {
        await using var receiver = await TestReceiver.StartAsync();
        var account = await factory.CreateAccountAsync();
        var receiverId = await RegisterAsync(account, "push", receiver.Url);
        var before = await OutboxCountAsync(account);
        var lines = File.ReadAllLines(
            Path.Combine(RouteTable.RepositoryRoot(), "tests", "ScimProvisioning.Api.Tests", "Recording", "Sessions", session + ".jsonl")
        );
        var replay = await new SessionReplay(account.Scim, "http://localhost" + account.ScimBase).RunAsync(lines, TextWriter.Null, default);
        Assert.Empty(replay.Differences);
        var expected = await OutboxCountAsync(account) - before;

        for (var round = 0; round < 5; round++)
        {
            await Dispatcher.RunOnceAsync(default);
        }

        var handler = new JsonWebTokenHandler();
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Secret)) { KeyId = receiverId };
        var seen = new Dictionary<string, JsonWebToken>();
        foreach (var request in receiver.Requests)
        {
            Assert.Equal(SecurityEventTokens.MediaType, request.ContentType.Split(';')[0]);
            var result = await handler.ValidateTokenAsync(
                request.Body,
                new TokenValidationParameters
                {
                    IssuerSigningKey = key,
                    ValidIssuer = "scim-provisioning",
                    ValidAudience = receiver.Url,
                    ValidateLifetime = false,
                    RequireExpirationTime = false,
                }
            );
            Assert.True(result.IsValid, result.Exception?.Message);
            var token = (JsonWebToken)result.SecurityToken;
            Assert.Equal("secevent+jwt", token.Typ);
            seen.TryAdd(token.Id, token); // receivers de-duplicate by jti
        }

        Assert.True(expected >= 8, $"the session made {expected} events");
        Assert.Equal(expected, seen.Count);
        var types = seen
            .Values.Select(t => JsonNode.Parse(t.GetPayloadValue<object>("events").ToString()!)!.AsObject().Single().Key)
            .ToList();
        Assert.Contains("urn:ietf:params:scim:event:prov:create:notice", types);
        Assert.Contains("urn:ietf:params:scim:event:prov:patch:notice", types);
        Assert.Contains("urn:ietf:params:scim:event:prov:deactivate", types);
        Assert.Contains("urn:ietf:params:scim:event:prov:delete", types);
        Assert.Contains(ProvisioningEvents.MemberProvisioned, types);
        var delivered = await account.AdminGetAsync($"/events/receivers/{receiverId}/deliveries?status=delivered&per_page=1000");
        Assert.Equal(expected, (await delivered.ReadJsonAsync())["result_info"]!["total_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_webhook_carries_an_hmac_of_timestamp_and_body_and_full_mode_carries_the_resource()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var account = await factory.CreateAccountAsync();
        await RegisterAsync(account, "webhook", receiver.Url, mode: "full");
        var user = await account.CreateUserAsync("hook@example.com");

        await Dispatcher.RunOnceAsync(default);

        var created = receiver
            .Requests.Select(r => (r, JsonNode.Parse(r.Body)!))
            .First(x => x.Item2["type"]!.GetValue<string>() == ProvisioningEvents.Create);
        var (request, body) = created;
        var timestamp = request.Headers["Webhook-Timestamp"];
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{timestamp}.{request.Body}"));
        Assert.Equal("v1=" + Convert.ToHexStringLower(mac), request.Headers["Webhook-Signature"]);
        Assert.Equal(body["id"]!.GetValue<string>(), request.Headers["Webhook-Id"]);
        Assert.Equal(user, body["resource"]!["id"]!.GetValue<string>());
        Assert.Equal("hook@example.com", body["data"]!["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_then_parked_and_redelivered_on_request_and_scim_never_waits()
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Status = 500;
        var account = await factory.CreateAccountAsync();
        var receiverId = await RegisterAsync(account, "push", receiver.Url);
        await account.CreateUserAsync("retry@example.com");

        for (var round = 0; round < 4; round++)
        {
            await Dispatcher.RunOnceAsync(default);
        }

        var deliveries = (await (await account.AdminGetAsync($"/events/receivers/{receiverId}/deliveries")).ReadJsonAsync())[
            "result"
        ]!.AsArray();
        var oldest = deliveries[^1]!;
        Assert.Equal("parked", oldest["status"]!.GetValue<string>());
        Assert.Equal(3, oldest["attempts"]!.GetValue<int>());
        Assert.Equal("HTTP 500", oldest["last_error"]!.GetValue<string>());
        Assert.Equal(3, receiver.Requests.Count(r => r.Body.Length > 0 && Jti(r.Body) == Jti(receiver.Requests.First().Body)));

        // A receiver that never answers: the dispatcher waits for it, a SCIM request does not.
        receiver.Status = 0;
        var round2 = Dispatcher.RunOnceAsync(default);
        var scim = await account.PostAsync(
            "/Users",
            """{"userName":"during@example.com","emails":[{"value":"during@example.com","primary":true}]}"""
        );
        Assert.Equal(HttpStatusCode.Created, scim.StatusCode);
        Assert.False(round2.IsCompleted, "the SCIM request finished while the receiver still hung");
        await round2;

        receiver.Status = 202;
        var retry = await account.AdminPostAsync(
            $"/events/receivers/{receiverId}/deliveries/{oldest["id"]!.GetValue<string>()}/retry",
            "{}"
        );
        await retry.AssertStatusAsync(HttpStatusCode.OK);
        await Dispatcher.RunOnceAsync(default);
        var after = (await (await account.AdminGetAsync($"/events/receivers/{receiverId}/deliveries?per_page=100")).ReadJsonAsync())[
            "result"
        ]!;
        Assert.Equal(
            "delivered",
            after.AsArray().Single(d => d!["id"]!.GetValue<string>() == oldest["id"]!.GetValue<string>())!["status"]!.GetValue<string>()
        );
    }

    [Fact]
    public async Task A_poll_receiver_fetches_acknowledges_and_refuses_events_as_rfc_8936_says()
    {
        var account = await factory.CreateAccountAsync();
        var created = await account.AdminPostAsync("/events/receivers", $$"""{"name":"poller","kind":"poll","secret":"{{Secret}}"}""");
        var receiverId = (await created.AssertStatusAsync(HttpStatusCode.OK))["result"]!["id"]!.GetValue<string>();
        await account.CreateUserAsync("polled@example.com");
        await account.CreateUserAsync("second@example.com");

        var first = await PollAsync(account, receiverId, """{"maxEvents":3,"returnImmediately":true}""");
        var sets = first["sets"]!.AsObject();
        Assert.Equal(3, sets.Count);
        Assert.True(first["moreAvailable"]!.GetValue<bool>());
        foreach (var (jti, set) in sets)
        {
            var token = new JsonWebToken(set!.GetValue<string>());
            Assert.Equal(jti, token.Id);
            var valid = await new JsonWebTokenHandler().ValidateTokenAsync(
                token,
                new TokenValidationParameters
                {
                    IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Secret)),
                    ValidIssuer = "scim-provisioning",
                    ValidAudience = receiverId,
                    ValidateLifetime = false,
                    RequireExpirationTime = false,
                }
            );
            Assert.True(valid.IsValid, valid.Exception?.Message);
        }

        var jtis = sets.Select(s => s.Key).ToList();
        var ack = new JsonObject
        {
            ["ack"] = new JsonArray(jtis.Take(2).Select(j => (JsonNode)JsonValue.Create(j)!).ToArray()),
            ["setErrs"] = new JsonObject
            {
                [jtis[2]] = new JsonObject { ["err"] = "invalid_request", ["description"] = "not for us" },
            },
            ["returnImmediately"] = true,
        };
        var second = await PollAsync(account, receiverId, ack.ToJsonString());
        Assert.DoesNotContain(second["sets"]!.AsObject(), s => jtis.Contains(s.Key));
        Assert.Single(second["sets"]!.AsObject()); // the second user's member event
        Assert.False(second["moreAvailable"]!.GetValue<bool>());
        var parked = await account.AdminGetAsync($"/events/receivers/{receiverId}/deliveries?status=parked");
        var row = Assert.Single((await parked.ReadJsonAsync())["result"]!.AsArray())!;
        Assert.Equal("invalid_request: not for us", row["last_error"]!.GetValue<string>());
    }

    private static async Task<JsonObject> PollAsync(TestAccount account, string receiverId, string body)
    {
        var response = await account.AdminPostAsync($"/events/receivers/{receiverId}/poll", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).AsObject();
    }

    private static string Jti(string set) => new JsonWebToken(set).Id;
}

/// <summary>Registrations that cannot be right get the Cloudflare error envelope and store nothing.</summary>
public sealed class EventReceiverRegistrationTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    [Theory]
    [InlineData("push", "ftp://example.com/events", "receiver-secret-0123456789-0123456789", "url")]
    [InlineData("push", "not a url", "receiver-secret-0123456789-0123456789", "url")]
    [InlineData("push", "http://127.0.0.1:9/events", "receiver-secret-0123456789-0123456789", "loopback or private")]
    [InlineData("webhook", "http://10.1.2.3/events", "receiver-secret-0123456789-0123456789", "loopback or private")]
    [InlineData("push", "http://[::1]/events", "receiver-secret-0123456789-0123456789", "loopback or private")]
    [InlineData("push", "https://user:pw@example.com/events", "receiver-secret-0123456789-0123456789", "credentials")]
    [InlineData("push", "https://example.com/events", "", "secret")]
    [InlineData("push", "https://example.com/events", "too-short", "secret")]
    [InlineData("carrier-pigeon", "https://example.com/events", "receiver-secret-0123456789-0123456789", "kind")]
    public async Task A_bad_registration_is_refused_in_the_envelope(string kind, string url, string secret, string mentions)
    {
        var account = await factory.CreateAccountAsync();
        var response = await account.AdminPostAsync(
            "/events/receivers",
            $$"""{"name":"bad","kind":"{{kind}}","url":"{{url}}","secret":"{{secret}}"}"""
        );

        var body = await response.AssertStatusAsync(HttpStatusCode.BadRequest);
        Assert.False(body["success"]!.GetValue<bool>());
        Assert.Contains(mentions, body["errors"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await account.QueryAsync(db => db.EventReceivers.CountAsync(r => r.AccountId == account.AccountId)));
    }

    [Fact]
    public async Task A_scim_token_cannot_register_a_receiver()
    {
        var account = await factory.CreateAccountAsync();
        using var scim = factory.ClientWithToken(account.ScimToken);
        var response = await scim.PostAsync(
            account.AdminBase + "/events/receivers",
            TestAccount.Body("""{"name":"x","kind":"poll","secret":"receiver-secret-0123456789-0123456789"}""", "application/json")
        );
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
