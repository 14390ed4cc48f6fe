using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScimProvisioning.Api.Recording;

/// <summary>A request whose answer differed from the recorded one, and where.</summary>
public sealed record ReplayDifference(int Line, string Request, IReadOnlyList<string> Differences);

public sealed record ReplayResult(int Sent, int Identical, int Skipped, IReadOnlyList<ReplayDifference> Differences);

/// <summary>
/// Sends a recorded session (the provisioning log's JSON-lines export) to a SCIM server, in order, and compares each
/// answer with the recorded one. Resource ids differ between servers, so ids are learned as answers are compared
/// (<c>id</c>, member and group <c>value</c>s at the same place in both answers) and substituted into later paths and
/// bodies. <c>meta</c>, <c>$ref</c>, bulk <c>location</c>/<c>version</c> and error <c>detail</c> text are not compared;
/// statuses, <c>scimType</c> and every other attribute are.
/// </summary>
public sealed class SessionReplay(HttpClient client, string baseUrl)
{
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal) { "meta", "$ref", "location", "version", "detail" };
    private static readonly HashSet<string> IdKeys = new(StringComparer.Ordinal) { "id", "value" };
    private readonly Dictionary<string, string> ids = new(StringComparer.Ordinal);

    public async Task<ReplayResult> RunAsync(IEnumerable<string> lines, TextWriter output, CancellationToken cancellationToken)
    {
        var differences = new List<ReplayDifference>();
        int sent = 0,
            identical = 0,
            skipped = 0,
            number = 0;
        foreach (var line in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (
                JsonNode.Parse(line) is not JsonObject entry
                || Text(entry, "method") is not { } method
                || Text(entry, "path") is not { } path
            )
            {
                throw new FormatException($"line {number} is not a provisioning log entry (method and path are required)");
            }

            var label = $"{method} {path}";
            if (entry["request_truncated"]?.GetValue<bool>() == true)
            {
                skipped++;
                await output.WriteLineAsync($"  #{number} {label}: skipped (the recorded request body was truncated)");
                continue;
            }

            using var request = new HttpRequestMessage(
                new HttpMethod(method),
                baseUrl.TrimEnd('/') + Substitute(path) + Substitute(Text(entry, "query") ?? "")
            );
            if (Text(entry, "request_body") is { } body)
            {
                request.Content = new StringContent(Substitute(body), Encoding.UTF8, "application/scim+json");
            }

            if (Text(entry, "user_agent") is { } agent)
            {
                request.Headers.TryAddWithoutValidation("User-Agent", agent);
            }

            using var response = await client.SendAsync(request, cancellationToken);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            sent++;
            var found = new List<string>();
            var recordedStatus = entry["status"]?.GetValue<int>() ?? 0;
            if ((int)response.StatusCode != recordedStatus)
            {
                found.Add($"status: recorded {recordedStatus}, got {(int)response.StatusCode}");
            }

            if (entry["response_truncated"]?.GetValue<bool>() != true)
            {
                Compare(TryParse(Text(entry, "response_body")), TryParse(answer), "$", found, null);
            }

            if (found.Count == 0)
            {
                identical++;
                await output.WriteLineAsync($"= #{number} {label} {(int)response.StatusCode}");
            }
            else
            {
                differences.Add(new ReplayDifference(number, label, found));
                await output.WriteLineAsync($"≠ #{number} {label}");
                foreach (var difference in found)
                {
                    await output.WriteLineAsync($"    {difference}");
                }
            }
        }

        await output.WriteLineAsync(
            $"replayed {sent} requests: {identical} answered as recorded, {differences.Count} differ"
                + (skipped > 0 ? $", {skipped} skipped" : "")
        );
        return new ReplayResult(sent, identical, skipped, differences);
    }

    private void Compare(JsonNode? recorded, JsonNode? replayed, string where, List<string> found, string? key)
    {
        if (found.Count >= 20)
        {
            return;
        }

        switch (recorded, replayed)
        {
            case (null, null):
                return;
            case (JsonObject a, JsonObject b):
                foreach (var (name, value) in a)
                {
                    if (Ignored.Contains(name))
                    {
                        continue;
                    }

                    if (!b.ContainsKey(name))
                    {
                        found.Add($"{where}.{name}: recorded {Show(value)}, missing now");
                    }
                    else
                    {
                        Compare(value, b[name], $"{where}.{name}", found, name);
                    }
                }

                foreach (var (name, value) in b)
                {
                    if (!Ignored.Contains(name) && !a.ContainsKey(name))
                    {
                        found.Add($"{where}.{name}: not recorded, now {Show(value)}");
                    }
                }

                return;
            case (JsonArray a, JsonArray b):
                if (a.Count != b.Count)
                {
                    found.Add($"{where}: recorded {a.Count} items, now {b.Count}");
                }

                for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
                {
                    // Cloudflare lists a user's groups as plain id strings.
                    Compare(a[i], b[i], $"{where}[{i}]", found, key == "groups" ? "value" : null);
                }

                return;
            case (JsonValue a, JsonValue b) when a.GetValueKind() == JsonValueKind.String && b.GetValueKind() == JsonValueKind.String:
                var expected = a.GetValue<string>();
                var actual = b.GetValue<string>();
                if (ids.TryGetValue(expected, out var mapped))
                {
                    expected = mapped;
                }
                else if (key is not null && IdKeys.Contains(key) && expected != actual && !ids.ContainsValue(actual))
                {
                    ids[expected] = actual; // learned: the same resource, named differently by this server
                    return;
                }

                if (expected != actual)
                {
                    found.Add($"{where}: recorded {Show(a)}, now {Show(b)}");
                }

                return;
            default:
                if (recorded?.ToJsonString() != replayed?.ToJsonString())
                {
                    found.Add($"{where}: recorded {Show(recorded)}, now {Show(replayed)}");
                }

                return;
        }
    }

    private string Substitute(string text)
    {
        foreach (var (recorded, replayed) in ids)
        {
            text = text.Replace(recorded, replayed, StringComparison.Ordinal);
        }

        return text;
    }

    private static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 120 ? text : text[..120] + "…";
    }

    private static string? Text(JsonObject entry, string name) =>
        entry[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static JsonNode? TryParse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
