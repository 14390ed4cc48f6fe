using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Admin;
using ScimProvisioning.Scim.Errors;

namespace ScimProvisioning.Api;

/// <summary>
/// The one place an error becomes a response: the SCIM error body under <c>/scim/v2</c>, the Cloudflare v4 envelope
/// elsewhere. Never a stack trace.
/// </summary>
public static class ErrorResponses
{
    public const string ScimMediaType = "application/scim+json";

    public static bool IsScimRequest(HttpContext context) =>
        context.Request.Path.Value?.Contains("/scim/v2", StringComparison.OrdinalIgnoreCase) == true;

    public static Task WriteAsync(HttpContext context, int status, string? scimType, string detail, int cloudflareCode)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.StatusCode = status;
        if (IsScimRequest(context))
        {
            context.Response.ContentType = ScimMediaType;
            return context.Response.WriteAsync(ScimErrorBody.Create(status, scimType, detail).ToJsonString(), context.RequestAborted);
        }

        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(
            JsonSerializer.Serialize(CloudflareEnvelope.Failure(cloudflareCode, detail), CloudflareEnvelope.JsonOptions),
            context.RequestAborted
        );
    }

    public static IResult Scim(int status, string? scimType, string detail) =>
        new ScimJsonResult(ScimErrorBody.Create(status, scimType, detail), status);
}

/// <summary>A SCIM JSON document written with <c>Content-Type: application/scim+json</c>.</summary>
public sealed class ScimJsonResult(JsonNode? body, int status = StatusCodes.Status200OK, string? location = null, string? etag = null)
    : IResult
{
    private byte[]? _rendered;
    private byte[] _head = [];
    private byte[] _tail = [];

    /// <summary>An answer whose JSON was rendered before (UTF-8, as <see cref="Render"/> writes it).</summary>
    public static ScimJsonResult FromRendered(
        byte[] json,
        int status = StatusCodes.Status200OK,
        string? location = null,
        string? etag = null
    ) => new(null, status, location, etag) { _rendered = json };

    /// <summary>
    /// An answer made of a document rendered before and the JSON written around it (<paramref name="head"/> up to it,
    /// <paramref name="tail"/> after it), sent one after the other without copying them into one array.
    /// </summary>
    public static ScimJsonResult FromRendered(byte[] head, byte[] json, byte[] tail) =>
        new(null)
        {
            _head = head,
            _rendered = json,
            _tail = tail,
        };

    public JsonNode Body => body ?? JsonNode.Parse([.. _head, .. _rendered!, .. _tail])!;

    public int Status => status;

    public string? Location => location;

    public string? ETag => etag;

    /// <summary>The UTF-8 JSON of a document, as every SCIM answer is written.</summary>
    public static byte[] Render(JsonNode document)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        Write(document, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = ErrorResponses.ScimMediaType;
        if (location is not null)
        {
            httpContext.Response.Headers.Location = location;
        }

        if (etag is not null)
        {
            httpContext.Response.Headers.ETag = etag;
        }

        // Rendered first, then sent with its length: one write of headers and body, where a chunked answer written
        // straight into the response took a second send for the closing chunk.
        if (_rendered is { } rendered)
        {
            httpContext.Response.ContentLength = _head.Length + rendered.Length + _tail.Length;
            var writer = httpContext.Response.BodyWriter;
            writer.Write(_head);
            writer.Write(rendered);
            writer.Write(_tail);
            await writer.FlushAsync();
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        Write(body!, buffer);
        httpContext.Response.ContentLength = buffer.WrittenCount;
        await httpContext.Response.BodyWriter.WriteAsync(buffer.WrittenMemory);
    }

    private static void Write(JsonNode document, ArrayBufferWriter<byte> buffer)
    {
        using var writer = new Utf8JsonWriter(buffer);
        document.WriteTo(writer);
    }
}
