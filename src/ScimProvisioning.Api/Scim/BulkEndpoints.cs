using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Api.Scim.Groups;
using ScimProvisioning.Api.Scim.Users;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Scim;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Filtering;

namespace ScimProvisioning.Api.Scim;

/// <summary>
/// /Bulk (RFC 7644 §3.7), Standard profile only. Operations run in order through the same code as single requests,
/// each in its own transaction; an operation that refers to <c>bulkId:x</c> waits until the operation creating x has
/// run, and references that can never resolve (unknown or circular) fail with 409.
/// </summary>
public static class BulkEndpoints
{
    private const string BulkIdPrefix = "bulkId:";

    private sealed record Operation(int Index, string Method, string Path, string? BulkId, string? Version, JsonNode? Data);

    public static RouteGroupBuilder MapScimBulk(this RouteGroupBuilder scim)
    {
        scim.MapPost("/Bulk", RunAsync)
            .RequireAuthorization(Policies.ScimWrite)
            .WithTags("SCIM Bulk")
            .WithName("ScimBulk")
            .WithSummary("Run many operations in one request, with bulkId references (Standard profile)")
            .WithMetadata(new ScimRequestBody("BulkRequest"));
        return scim;
    }

    private static async Task<ScimJsonResult> RunAsync(
        HttpContext http,
        ScimContext scim,
        ScimUsers users,
        ScimGroups groups,
        ScimDbContext db,
        ILoggerFactory logs,
        Telemetry.ScimMetrics metrics
    )
    {
        var log = logs.CreateLogger(typeof(BulkEndpoints));
        scim.Profile.EnsureBulkServed();
        var body =
            await ScimRequest.ReadJsonAsync(http.Request, scim.Options.BulkMaxPayloadBytes) as JsonObject
            ?? throw ScimException.InvalidSyntax("A BulkRequest body must be a JSON object.");
        if (
            JsonFilterEvaluator.Get(body, "schemas") is JsonArray schemas
            && schemas.Count > 0
            && !schemas.Any(s =>
                s is JsonValue v
                && v.GetValueKind() == System.Text.Json.JsonValueKind.String
                && string.Equals(v.GetValue<string>(), ScimProvisioning.Scim.ScimSchemaUris.BulkRequest, StringComparison.OrdinalIgnoreCase)
            )
        )
        {
            throw ScimException.InvalidSyntax(
                $"A BulkRequest body must declare the schema {ScimProvisioning.Scim.ScimSchemaUris.BulkRequest}."
            );
        }

        if (JsonFilterEvaluator.Get(body, "Operations") is not JsonArray list)
        {
            throw ScimException.InvalidSyntax("A BulkRequest needs an 'Operations' array.");
        }

        if (list.Count > scim.Options.BulkMaxOperations)
        {
            throw new ScimException(
                StatusCodes.Status413PayloadTooLarge,
                null,
                $"The BulkRequest has {list.Count} operations; the maximum is {scim.Options.BulkMaxOperations} (bulk.maxOperations)."
            );
        }

        var failOnErrors = JsonFilterEvaluator.Get(body, "failOnErrors") switch
        {
            null => int.MaxValue,
            JsonValue v when v.TryGetValue<int>(out var n) && n > 0 => n,
            _ => throw ScimException.InvalidValue("failOnErrors must be a positive integer."),
        };
        var operations = list.Select(Parse).ToList();
        var duplicate = operations.Where(o => o.BulkId is not null).GroupBy(o => o.BulkId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw ScimException.InvalidValue($"bulkId '{duplicate.Key}' is used by more than one operation.");
        }

        var declared = operations
            .Where(o => o.BulkId is not null && o.Method == "POST")
            .Select(o => o.BulkId!)
            .ToHashSet(StringComparer.Ordinal);
        var created = new Dictionary<string, string>(StringComparer.Ordinal);
        var results = new JsonObject?[operations.Count];
        var pending = operations.ToList();
        var errors = 0;
        while (pending.Count > 0 && errors < failOnErrors)
        {
            var progressed = false;
            foreach (var operation in pending.ToList())
            {
                if (errors >= failOnErrors)
                {
                    break;
                }

                var references = References(operation).ToList();
                var unknown = references.FirstOrDefault(r => !declared.Contains(r));
                if (unknown is null && references.Any(r => !created.ContainsKey(r)))
                {
                    continue; // waits for the operation that creates it
                }

                pending.Remove(operation);
                progressed = true;
                results[operation.Index] = unknown is not null
                    ? Failure(
                        operation,
                        StatusCodes.Status409Conflict,
                        ScimErrorTypes.InvalidValue,
                        $"bulkId '{unknown}' is not created by any POST in this request."
                    )
                    : await ExecuteAsync(users, groups, db, log, Resolve(operation, created), created, scim.Recording, metrics);
                if (results[operation.Index]!["status"]!.GetValue<string>()[0] is '4' or '5')
                {
                    errors++;
                }
            }

            if (!progressed)
            {
                // Nothing could run: every remaining operation waits on another that waits back.
                foreach (var operation in pending)
                {
                    results[operation.Index] = Failure(
                        operation,
                        StatusCodes.Status409Conflict,
                        ScimErrorTypes.InvalidValue,
                        "Circular bulkId reference: this operation and the ones it refers to wait on each other."
                    );
                    errors++;
                }

                pending.Clear();
            }
        }

        var response = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.BulkResponse),
            ["Operations"] = new JsonArray(results.Where(r => r is not null).Select(r => (JsonNode)r!).ToArray()),
        };
        return new ScimJsonResult(response);
    }

    private static Operation Parse(JsonNode? node, int index)
    {
        if (node is not JsonObject operation)
        {
            throw ScimException.InvalidSyntax($"Bulk operation {index + 1} must be an object.");
        }

        var method = Text(operation, "method")?.ToUpperInvariant();
        if (method is not ("POST" or "PUT" or "PATCH" or "DELETE"))
        {
            throw ScimException.InvalidSyntax($"Bulk operation {index + 1}: 'method' must be POST, PUT, PATCH or DELETE.");
        }

        var path = Text(operation, "path") ?? throw ScimException.InvalidSyntax($"Bulk operation {index + 1} needs a 'path'.");
        var bulkId = Text(operation, "bulkId");
        if (method == "POST" && string.IsNullOrEmpty(bulkId))
        {
            throw ScimException.InvalidSyntax($"Bulk operation {index + 1}: a POST needs a 'bulkId'.");
        }

        var data = JsonFilterEvaluator.Get(operation, "data");
        if (method != "DELETE" && data is null)
        {
            throw ScimException.InvalidSyntax($"Bulk operation {index + 1}: {method} needs 'data'.");
        }

        return new Operation(index, method, path, bulkId, Text(operation, "version"), data?.DeepClone());
    }

    /// <summary>Every <c>bulkId:x</c> the operation's path and data refer to.</summary>
    private static IEnumerable<string> References(Operation operation)
    {
        if (operation.Path.Contains(BulkIdPrefix, StringComparison.Ordinal))
        {
            yield return operation.Path[(operation.Path.IndexOf(BulkIdPrefix, StringComparison.Ordinal) + BulkIdPrefix.Length)..];
        }

        foreach (var value in Strings(operation.Data))
        {
            if (value.StartsWith(BulkIdPrefix, StringComparison.Ordinal))
            {
                yield return value[BulkIdPrefix.Length..];
            }
        }
    }

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
            JsonArray array => array.SelectMany(Strings),
            JsonObject obj => obj.SelectMany(p => Strings(p.Value)),
            _ => [],
        };

    private static Operation Resolve(Operation operation, Dictionary<string, string> created)
    {
        var path = operation.Path;
        var at = path.IndexOf(BulkIdPrefix, StringComparison.Ordinal);
        if (at >= 0)
        {
            path = path[..at] + created[path[(at + BulkIdPrefix.Length)..]];
        }

        return operation with
        {
            Path = path,
            Data = Replace(operation.Data, created),
        };
    }

    private static JsonNode? Replace(JsonNode? node, Dictionary<string, string> created) =>
        node switch
        {
            JsonValue v
                when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().StartsWith(BulkIdPrefix, StringComparison.Ordinal) =>
                JsonValue.Create(created[v.GetValue<string>()[BulkIdPrefix.Length..]]),
            JsonArray array => new JsonArray(array.Select(item => Replace(item, created)).ToArray()),
            JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Replace(p.Value, created)))),
            _ => node?.DeepClone(),
        };

    /// <summary>Runs one operation through the same application service a single request uses, and maps its outcome.</summary>
    private static async Task<JsonObject> ExecuteAsync(
        ScimUsers users,
        ScimGroups groups,
        ScimDbContext db,
        ILogger log,
        Operation operation,
        Dictionary<string, string> created,
        Recording.RequestRecording? recording,
        Telemetry.ScimMetrics metrics
    )
    {
        var segments = operation.Path.Trim('/').Split('/');
        var write = new ScimWrite(operation.Data, operation.Version, new ScimSingleQuery(null, null));
        try
        {
            var outcome = (segments, operation.Method) switch
            {
                (["Users"], "POST") => await users.CreateAsync(write),
                (["Users", var id], "PUT") => await users.ReplaceAsync(id, write),
                (["Users", var id], "PATCH") => await users.PatchAsync(id, write),
                (["Users", var id], "DELETE") => await users.DeleteAsync(id, write),
                (["Groups"], "POST") => await groups.CreateAsync(write),
                (["Groups", var id], "PUT") => await groups.ReplaceAsync(id, write),
                (["Groups", var id], "PATCH") => await groups.PatchAsync(id, write),
                (["Groups", var id], "DELETE") => await groups.DeleteAsync(id, write),
                _ => throw ScimException.InvalidPath(
                    $"'{operation.Method} {operation.Path}' is not an operation /Bulk can run; use /Users or /Groups paths."
                ),
            };

            recording?.Applied(outcome.Change);
            if (operation.Method == "POST")
            {
                created[operation.BulkId!] = outcome.ResourceId;
            }

            var result = new JsonObject { ["method"] = operation.Method };
            if (operation.BulkId is not null)
            {
                result["bulkId"] = operation.BulkId;
            }

            result["location"] = outcome.Location;
            if (outcome.Version is not null)
            {
                result["version"] = outcome.Version;
            }

            result["status"] = outcome.Status.ToString(CultureInfo.InvariantCulture);
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Each operation commits on its own: one that fails, even unexpectedly, is reported in its own result
            // (500 without details) while the ones before it stay committed and reported.
            db.ChangeTracker.Clear(); // nothing of a failed operation may leak into the next one
            if (e is Domain.DomainException refused)
            {
                recording?.Refused(refused.Rule, refused.Refusal);
                metrics.Refused(refused);
            }
            var (status, scimType, detail, _) = ScimExceptionHandler.Map(e);
            if (status >= 500)
            {
                log.LogError(e, "Bulk operation {Index} ({Method}) failed unexpectedly", operation.Index + 1, operation.Method);
            }

            return Failure(operation, status, scimType, detail);
        }
    }

    private static JsonObject Failure(Operation operation, int status, string? scimType, string detail)
    {
        var outcome = new JsonObject { ["method"] = operation.Method };
        if (operation.BulkId is not null)
        {
            outcome["bulkId"] = operation.BulkId;
        }

        outcome["status"] = status.ToString(CultureInfo.InvariantCulture);
        outcome["response"] = ScimErrorBody.Create(status, scimType, detail);
        return outcome;
    }

    private static string? Text(JsonObject obj, string name) => ScimProvisioning.Scim.Serialization.JsonText.Of(obj, name);
}
