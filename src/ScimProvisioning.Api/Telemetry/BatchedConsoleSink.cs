using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace ScimProvisioning.Api.Telemetry;

/// <summary>
/// The server's log on a redirected standard output (a container, systemd, a file): events are formatted off the
/// request path by Serilog's batching sink and written with one <c>write</c> per batch.
/// </summary>
/// <remarks>
/// The console sink writes and flushes every event on the thread that logs it, under a lock: with a request line per
/// request that was 8 % of a <c>GET /Users/{id}</c>'s CPU in a profile (one <c>write</c> system call each). A terminal
/// keeps the console sink and its colours; there a person reads the lines as they come.
/// </remarks>
internal sealed class BatchedConsoleSink(ITextFormatter formatter, Stream output) : IBatchedLogEventSink, IDisposable
{
    /// <summary>How long an event may wait for others before its batch is written.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(50);

    private readonly StreamWriter _writer = new(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024)
    {
        AutoFlush = false,
    };

    public Task EmitBatchAsync(IReadOnlyCollection<LogEvent> batch)
    {
        foreach (var logEvent in batch)
        {
            formatter.Format(logEvent, _writer);
        }

        _writer.Flush();
        return Task.CompletedTask;
    }

    public void Dispose() => _writer.Flush();
}
