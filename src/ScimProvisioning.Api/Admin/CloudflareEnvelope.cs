using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScimProvisioning.Api.Admin;

/// <summary>Cloudflare v4 API envelope: <c>{success, errors, messages, result, result_info}</c>.</summary>
public sealed record CloudflareEnvelope(
    bool Success,
    IReadOnlyList<CloudflareError> Errors,
    IReadOnlyList<CloudflareMessage> Messages,
    object? Result,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ResultInfo? ResultInfo)
{
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static CloudflareEnvelope Ok(object? result, ResultInfo? info = null) => new(true, [], [], result, info);

    public static CloudflareEnvelope Failure(int code, string message) => new(false, [new CloudflareError(code, message)], [], null, null);
}

public sealed record CloudflareError(int Code, string Message);

public sealed record CloudflareMessage(int Code, string Message);

public sealed record ResultInfo(int Page, int PerPage, int Count, int TotalCount, int TotalPages);

/// <summary>Results in the envelope, serialised with Cloudflare's snake_case names.</summary>
public static class CloudflareResults
{
    public static IResult Ok(object? result, ResultInfo? info = null, int status = StatusCodes.Status200OK) =>
        Results.Json(CloudflareEnvelope.Ok(result, info), CloudflareEnvelope.JsonOptions, statusCode: status);

    public static IResult Error(int status, int code, string message) =>
        Results.Json(CloudflareEnvelope.Failure(code, message), CloudflareEnvelope.JsonOptions, statusCode: status);
}
