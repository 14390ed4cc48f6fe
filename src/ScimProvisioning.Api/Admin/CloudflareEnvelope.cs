using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace ScimProvisioning.Api.Admin;

/// <summary>Cloudflare v4 API envelope: <c>{success, errors, messages, result, result_info}</c>.</summary>
public sealed record CloudflareEnvelope<T>(
    bool Success,
    IReadOnlyList<CloudflareError> Errors,
    IReadOnlyList<CloudflareMessage> Messages,
    T? Result,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ResultInfo? ResultInfo
);

public static class CloudflareEnvelope
{
    public static JsonSerializerOptions JsonOptions { get; } =
        new(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };

    public static CloudflareEnvelope<T> Ok<T>(T result, ResultInfo? info = null) => new(true, [], [], result, info);

    public static CloudflareEnvelope<object> Failure(int code, string message) =>
        new(false, [new CloudflareError(code, message)], [], null, null);
}

public sealed record CloudflareError(int Code, string Message);

public sealed record CloudflareMessage(int Code, string Message);

public sealed record ResultInfo(int Page, int PerPage, int Count, int TotalCount, int TotalPages);

/// <summary>A successful answer in the envelope; declares its schema (<c>CloudflareEnvelope&lt;T&gt;</c>) for Swagger.</summary>
public sealed class Envelope<T>(T result, ResultInfo? info = null) : IResult, IEndpointMetadataProvider
{
    public T Result => result;

    public Task ExecuteAsync(HttpContext httpContext) =>
        Results.Json(CloudflareEnvelope.Ok(result, info), CloudflareEnvelope.JsonOptions).ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(
            new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(CloudflareEnvelope<T>), ["application/json"])
        );
}

/// <summary>404 in the envelope (code 1003), for handlers whose only other outcome is a found resource.</summary>
public sealed class EnvelopeNotFound(string message) : IResult, IEndpointMetadataProvider
{
    public Task ExecuteAsync(HttpContext httpContext) =>
        CloudflareResults.Error(StatusCodes.Status404NotFound, AdminErrorCodes.NotFound, message).ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(
            new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(CloudflareEnvelope<object>), ["application/json"])
        );
}

/// <summary>Results in the envelope, serialised with Cloudflare's snake_case names.</summary>
public static class CloudflareResults
{
    public static Envelope<T> Ok<T>(T result, ResultInfo? info = null) => new(result, info);

    public static EnvelopeNotFound NotFound(string message) => new(message);

    /// <summary>400 in the envelope, declared for Swagger (a typed <c>JsonHttpResult</c>).</summary>
    public static JsonHttpResult<CloudflareEnvelope<object>> BadRequest(int code, string message) =>
        TypedResults.Json(
            CloudflareEnvelope.Failure(code, message),
            CloudflareEnvelope.JsonOptions,
            statusCode: StatusCodes.Status400BadRequest
        );

    public static IResult Error(int status, int code, string message) =>
        Results.Json(CloudflareEnvelope.Failure(code, message), CloudflareEnvelope.JsonOptions, statusCode: status);
}
