using Microsoft.AspNetCore.Diagnostics;
using ScimProvisioning.Api.Admin;
using ScimProvisioning.Domain;
using ScimProvisioning.Scim.Errors;

namespace ScimProvisioning.Api.Scim;

/// <summary>
/// The one error mapper: protocol refusals (<see cref="ScimException"/>), business-rule refusals
/// (<see cref="DomainException"/>) and anything unexpected become the documented error body — never a stack trace.
/// </summary>
public sealed class ScimExceptionHandler(ILogger<ScimExceptionHandler> logger, Telemetry.ScimMetrics metrics) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, scimType, detail, code) = Map(exception, cancellationToken.IsCancellationRequested);
        if (exception is DomainException refused)
        {
            httpContext.Features.Get<Recording.RequestRecording>()?.Refused(refused.Rule, refused.Refusal);
            metrics.Refused(refused);
        }

        if (status >= 500)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        try
        {
            await ErrorResponses.WriteAsync(httpContext, status, scimType, detail, code);
        }
        catch (OperationCanceledException) when (httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client hung up before its error could be written (a load generator stopping, an IdP timing out):
            // nobody reads the answer, and it is no server error.
            if (!httpContext.Response.HasStarted)
            {
                httpContext.Response.StatusCode = 499;
            }
        }

        return true;
    }

    /// <summary>The status, scimType, detail and Cloudflare error code an exception answers with (also used by /Bulk).</summary>
    public static (int Status, string? ScimType, string Detail, int Code) Map(Exception exception, bool cancelled = false) =>
        exception switch
        {
            ScimException scim => (scim.Status, scim.ScimType, scim.Detail, AdminErrorCodes.ForStatus(scim.Status, scim.ScimType)),
            DomainException domain => Map(domain),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (
                413,
                null,
                "The request body is too large.",
                AdminErrorCodes.PayloadTooLarge
            ),
            BadHttpRequestException bad => (
                bad.StatusCode,
                ScimErrorTypes.InvalidSyntax,
                "The request could not be read.",
                AdminErrorCodes.InvalidJson
            ),
            OperationCanceledException when cancelled => (499, null, "The request was cancelled.", AdminErrorCodes.Cancelled),
            _ => (
                500,
                null,
                "An unexpected error occurred; nothing was changed. The server log has the details.",
                AdminErrorCodes.Internal
            ),
        };

    private static (int, string?, string, int) Map(DomainException exception) =>
        exception.Kind switch
        {
            DomainErrorKind.NotFound => (404, null, exception.Message, AdminErrorCodes.NotFound),
            DomainErrorKind.Conflict => (409, ScimErrorTypes.Uniqueness, exception.Message, AdminErrorCodes.Conflict),
            DomainErrorKind.LockoutRefused => (409, null, exception.Message, AdminErrorCodes.LockoutRefused),
            DomainErrorKind.PreconditionFailed => (412, null, exception.Message, AdminErrorCodes.PreconditionFailed),
            DomainErrorKind.Immutable => (400, ScimErrorTypes.Mutability, exception.Message, AdminErrorCodes.Immutable),
            DomainErrorKind.Forbidden => (403, null, exception.Message, AdminErrorCodes.Forbidden),
            _ => (400, ScimErrorTypes.InvalidValue, exception.Message, AdminErrorCodes.InvalidValue),
        };
}
