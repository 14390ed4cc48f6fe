using System.Net;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Scim.Tests.Properties;

namespace ScimProvisioning.Api.Tests.Hardening;

/// <summary>
/// Generated hostile input over HTTP: thousands of random documents, PATCH requests and filters against the real
/// endpoints. The only outcomes allowed are success or a documented SCIM error (4xx with the SCIM error body).
/// The seed is fixed (SCIM_PROPERTY_SEED to change it) and printed on failure.
/// </summary>
public sealed class HostileHttpProperties(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    [Fact]
    public async Task Random_user_and_group_documents_get_success_or_a_scim_error()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("property@example.com");
        var outcomes = await RunAsync(
            HostileInputGenerators.Document,
            1200,
            (text, i) =>
                (i % 4) switch
                {
                    0 => account.PostAsync("/Users", text),
                    1 => account.PutAsync($"/Users/{id}", text),
                    2 => account.PostAsync("/Groups", text),
                    _ => account.PostAsync("/Users/.search", text),
                }
        );
        Assert.True(outcomes.Errors > 600, $"most random documents should be refused; {outcomes.Errors} of 1200 were");
    }

    [Fact]
    public async Task Random_patch_requests_get_success_or_a_scim_error()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("patched@example.com");
        var group = await account.CreateGroupAsync("Patched Group");
        var outcomes = await RunAsync(
            HostileInputGenerators.PatchDocument,
            1200,
            (text, i) => account.PatchAsync(i % 2 == 0 ? $"/Users/{user}" : $"/Groups/{group}", text)
        );
        Assert.True(outcomes.Successes > 20, $"some random PATCH requests should apply; {outcomes.Successes} of 1200 did");
    }

    [Fact]
    public async Task Random_filters_get_results_or_invalid_filter()
    {
        var account = await factory.CreateAccountAsync();
        await account.CreateUserAsync("filtered@example.com");
        await RunAsync(
            HostileInputGenerators.FilterText,
            1200,
            (text, i) => account.GetAsync((i % 2 == 0 ? "/Users" : "/Groups") + "?filter=" + Uri.EscapeDataString(text))
        );
    }

    private sealed record Outcomes(int Successes, int Errors);

    private static async Task<Outcomes> RunAsync(Gen<string> generator, int cases, Func<string, int, Task<HttpResponseMessage>> send)
    {
        var samples = Gen.Sample(generator, cases, new Rnd(PropertyRunner.Seed), 20);
        var (successes, errors) = (0, 0);
        for (var i = 0; i < samples.Length; i++)
        {
            using var response = await send(samples[i], i);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            var fail =
                $"case {i + 1} of {cases} (SCIM_PROPERTY_SEED={PropertyRunner.Seed}): {samples[i]}\n→ {status} "
                + $"{text[..Math.Min(text.Length, 300)]}";
            if (status is >= 200 and < 300)
            {
                successes++;
                continue;
            }

            Assert.True(status is >= 400 and < 500, fail);
            var body = JsonNode.Parse(text) as JsonObject;
            Assert.True(body?["schemas"]?[0]?.GetValue<string>() == "urn:ietf:params:scim:api:messages:2.0:Error", fail);
            Assert.True(body!["status"]?.GetValue<string>() == status.ToString(System.Globalization.CultureInfo.InvariantCulture), fail);
            errors++;
        }

        return new Outcomes(successes, errors);
    }
}
