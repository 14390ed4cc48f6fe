using System.Threading.Channels;

namespace ScimProvisioning.Api.Recording;

/// <summary>
/// The bounded hand-off between the request path and the recorder's writer: enqueuing never waits, and when the queue
/// is full the entry is dropped and counted, so a slow database never slows an IdP down. One reader drains it in
/// batches.
/// </summary>
public sealed class RecordingQueue<T>
{
    private readonly Channel<T> channel;
    private long dropped;

    public RecordingQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        // Wait mode makes TryWrite answer false when full (DropWrite would report success for a dropped item).
        channel = Channel.CreateBounded<T>(
            new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
                SingleWriter = false,
            }
        );
    }

    /// <summary>Entries dropped because the queue was full, since start.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Entries waiting to be written.</summary>
    public int Depth => channel.Reader.Count;

    /// <summary>Queues the entry without waiting; false (and counted) when the queue is full or closed.</summary>
    public bool TryEnqueue(T entry)
    {
        if (channel.Writer.TryWrite(entry))
        {
            return true;
        }

        Interlocked.Increment(ref dropped);
        return false;
    }

    /// <summary>Waits for at least one entry, then takes up to <paramref name="max"/>; empty once closed and drained.</summary>
    public async Task<IReadOnlyList<T>> ReadBatchAsync(int max, CancellationToken cancellationToken)
    {
        var batch = new List<T>();
        if (!await channel.Reader.WaitToReadAsync(cancellationToken))
        {
            return batch;
        }

        while (batch.Count < max && channel.Reader.TryRead(out var entry))
        {
            batch.Add(entry);
        }

        return batch;
    }

    /// <summary>No more entries are accepted; the reader drains what is queued.</summary>
    public void Close() => channel.Writer.TryComplete();
}
