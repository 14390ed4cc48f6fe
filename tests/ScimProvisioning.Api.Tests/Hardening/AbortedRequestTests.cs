using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ScimProvisioning.Api.Scim;
using ScimProvisioning.Domain;

namespace ScimProvisioning.Api.Tests.Hardening;

/// <summary>
/// A client that hangs up while its error answer is written (wrk stopping, an IdP timing out) is not a server error:
/// the exception handler neither throws nor logs an error, and the status says the client went away.
/// </summary>
public sealed class AbortedRequestTests
{
    private sealed class Recorded : ILogger<ScimExceptionHandler>
    {
        public List<LogLevel> Levels { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel level, EventId id, TState state, Exception? exception, Func<TState, Exception?, string> format) =>
            Levels.Add(level);
    }

    /// <summary>A response body whose writes fail the way Kestrel's do once the connection is gone.</summary>
    private sealed class GoneBody : MemoryStream
    {
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            throw new OperationCanceledException(cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new OperationCanceledException(cancellationToken);
    }

    [Theory]
    [InlineData("/client/v4/accounts/0123456789abcdef0123456789abcdef/scim/v2/Users")]
    [InlineData("/client/v4/accounts/0123456789abcdef0123456789abcdef/members")]
    public async Task An_error_for_a_client_that_hung_up_is_no_500_and_no_logged_error(string path)
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var log = new Recorded();
        var handler = new ScimExceptionHandler(
            log,
            new ScimProvisioning.Api.Telemetry.ScimMetrics(
                services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
                services
            )
        );
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();
        var context = new DefaultHttpContext { RequestAborted = aborted.Token };
        context.Request.Path = path;
        context.Response.Body = new GoneBody();

        var handled = await handler.TryHandleAsync(
            context,
            new DomainException(DomainErrorKind.Conflict, "A user with that userName already exists."),
            CancellationToken.None
        );

        Assert.True(handled);
        Assert.Equal(499, context.Response.StatusCode);
        Assert.DoesNotContain(LogLevel.Error, log.Levels);
    }
}
