using System.Diagnostics;
using Microsoft.Extensions.Options;
using ScimProvisioning.Api.Auth;

namespace ScimProvisioning.Api.Recording;

/// <summary>
/// Records SCIM requests for the flight recorder: copies what passes through the request and response bodies (up to
/// <see cref="RecorderOptions.MaxBodyBytes"/>), then hands the exchange to <see cref="ProvisioningRecorder"/>'s
/// queue without waiting. Only a request authenticated by a token of the account it names is recorded, so nobody can
/// fill another account's log. Headers are never kept but for User-Agent (never Authorization).
/// </summary>
public sealed class RecordingMiddleware(
    RequestDelegate next,
    IOptions<RecorderOptions> options,
    ProvisioningRecorder recorder,
    TimeProvider clock
)
{
    private static readonly PathString Accounts = "/client/v4/accounts";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!TryScimPath(context.Request.Path, out var accountId, out var path))
        {
            await next(context);
            return;
        }

        if (!options.Value.Enabled || !recorder.HasRoom)
        {
            // Not recording, or the writer is behind: serve the request without copying its bodies, and count what is
            // not recorded.
            await next(context);
            if (options.Value.Enabled && RecordedFor(context, accountId))
            {
                recorder.CountDropped();
            }

            recorder.CountOperation(context.Request.Method, path, context.Response.StatusCode, UserAgent(context), Query(context));
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var occurredAt = clock.GetUtcNow().UtcDateTime;
        var request = new BodyCapture(options.Value.MaxBodyBytes);
        var response = new BodyCapture(options.Value.MaxBodyBytes);
        var recording = new RequestRecording();
        var originalRequest = context.Request.Body;
        var originalResponse = context.Response.Body;
        context.Features.Set(recording);
        context.Request.Body = new CapturingReadStream(originalRequest, request);
        context.Response.Body = new CapturingWriteStream(originalResponse, response);
        var status = 0;
        try
        {
            await next(context);
            status = context.Response.StatusCode;
        }
        catch
        {
            status = StatusCodes.Status500InternalServerError;
            throw;
        }
        finally
        {
            context.Request.Body = originalRequest;
            context.Response.Body = originalResponse;
            context.Features.Set<RequestRecording>(null);
            var user = context.User;
            if (!RecordedFor(context, accountId))
            {
                // Someone else's or nobody's token: not in the log, still an operation the metrics count.
                recorder.CountOperation(context.Request.Method, path, status, UserAgent(context), Query(context));
            }
            else
            {
                var headers = context.Request.Headers;
                recorder.Enqueue(
                    new RecordedExchange(
                        accountId,
                        occurredAt,
                        user.TokenId(),
                        UserAgent(context),
                        context.Request.Method,
                        path,
                        Query(context),
                        headers.IfMatch.Count > 0 || headers.IfNoneMatch.Count > 0,
                        status,
                        Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                        request.Bytes,
                        request.Truncated,
                        response.Bytes,
                        response.Truncated,
                        recording
                    )
                );
            }
        }
    }

    private static string? UserAgent(HttpContext context) =>
        context.Request.Headers.UserAgent.Count == 0 ? null : context.Request.Headers.UserAgent.ToString();

    private static string? Query(HttpContext context) => context.Request.QueryString.HasValue ? context.Request.QueryString.Value : null;

    /// <summary>Only a request authenticated by a token of the account it names is recorded in that account's log.</summary>
    private static bool RecordedFor(HttpContext context, string accountId) =>
        context.User.Identity?.IsAuthenticated == true && string.Equals(context.User.AccountId(), accountId, StringComparison.Ordinal);

    /// <summary>
    /// <c>/client/v4/accounts/{id}/scim/v2/rest</c> → the account id and <c>/rest</c> (<c>/</c> when nothing follows), matched
    /// by whole segments and case-sensitively. Runs for every request: only the two results are allocated.
    /// </summary>
    public static bool TryScimPath(PathString requestPath, out string accountId, out string path)
    {
        const string Scim = "/scim/v2";
        accountId = "";
        path = "";
        var value = requestPath.Value;
        var prefix = Accounts.Value!;
        if (
            value is null
            || value.Length <= prefix.Length + 1
            || !value.StartsWith(prefix, StringComparison.Ordinal)
            || value[prefix.Length] != '/'
        )
        {
            return false;
        }

        var slash = value.IndexOf('/', prefix.Length + 1);
        if (slash < 0)
        {
            return false;
        }

        var tail = value.AsSpan(slash);
        if (!tail.StartsWith(Scim, StringComparison.Ordinal) || (tail.Length > Scim.Length && tail[Scim.Length] != '/'))
        {
            return false;
        }

        accountId = value[(prefix.Length + 1)..slash];
        path = tail.Length > Scim.Length ? tail[Scim.Length..].ToString() : "/";
        return true;
    }
}
