using Microsoft.AspNetCore.Diagnostics;
using ScimProvisioning.Domain;
using ScimProvisioning.Scim.Errors;

namespace ScimProvisioning.Api.Scim;

/// <summary>
/// The one error mapper: protocol refusals (<see cref="ScimException"/>), business-rule refusals
/// (<see cref="DomainException"/>) and anything unexpected become the documented error body — never a stack trace.
/// </summary>
public sealed class ScimExceptionHandler(ILogger<ScimExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, scimType, detail, code) = Map(exception, cancellationToken.IsCancellationRequested);

        if (status >= 500)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        await ErrorResponses.WriteAsync(httpContext, status, scimType, detail, code);
        return true;
    }

    /// <summary>The status, scimType, detail and Cloudflare error code an exception answers with (also used by /Bulk).</summary>
    public static (int Status, string? ScimType, string Detail, int Code) Map(Exception exception, bool cancelled = false) => exception switch
    {
        ScimException scim => (scim.Status, scim.ScimType, scim.Detail, 1000 + scim.Status),
        DomainException domain => Map(domain),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (413, null, "The request body is too large.", 1413),
        BadHttpRequestException bad => (bad.StatusCode, ScimErrorTypes.InvalidSyntax, "The request could not be read.", 1400),
        OperationCanceledException when cancelled => (499, null, "The request was cancelled.", 1499),
        _ => (500, null, "An unexpected error occurred; nothing was changed. The server log has the details.", 1500),
    };

    private static (int, string?, string, int) Map(DomainException exception) => exception.Kind switch
    {
        DomainErrorKind.NotFound => (404, null, exception.Message, 1404),
        DomainErrorKind.Conflict => (409, ScimErrorTypes.Uniqueness, exception.Message, 1409),
        DomainErrorKind.LockoutRefused => (409, null, exception.Message, 1409),
        DomainErrorKind.PreconditionFailed => (412, null, exception.Message, 1412),
        DomainErrorKind.Immutable => (400, ScimErrorTypes.Mutability, exception.Message, 1400),
        _ => (400, ScimErrorTypes.InvalidValue, exception.Message, 1400),
    };
}
