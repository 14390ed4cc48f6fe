using ScimProvisioning.Api.Recording;

namespace ScimProvisioning.Api.Tests.Recording;

/// <summary>The recorder's queue never makes a request wait: a full queue drops and counts.</summary>
public sealed class RecordingQueueTests
{
    [Fact]
    public async Task A_full_queue_drops_and_counts_without_waiting_and_keeps_what_it_holds_in_order()
    {
        var queue = new RecordingQueue<int>(capacity: 2);

        Assert.True(queue.TryEnqueue(1));
        Assert.True(queue.TryEnqueue(2));
        Assert.False(queue.TryEnqueue(3));
        Assert.False(queue.TryEnqueue(4));

        Assert.Equal((2L, 2), (queue.Dropped, queue.Depth));
        Assert.Equal([1, 2], await queue.ReadBatchAsync(10, CancellationToken.None));
        Assert.True(queue.TryEnqueue(5));
        Assert.Equal([5], await queue.ReadBatchAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task Batches_are_bounded_and_a_closed_queue_drains_then_ends()
    {
        var queue = new RecordingQueue<int>(capacity: 100);
        foreach (var i in Enumerable.Range(1, 5))
        {
            queue.TryEnqueue(i);
        }

        queue.Close();

        Assert.False(queue.TryEnqueue(6));
        Assert.Equal([1, 2, 3], await queue.ReadBatchAsync(3, CancellationToken.None));
        Assert.Equal([4, 5], await queue.ReadBatchAsync(3, CancellationToken.None));
        Assert.Empty(await queue.ReadBatchAsync(3, CancellationToken.None));
    }

    [Fact]
    public async Task Many_writers_at_once_are_all_either_queued_or_counted()
    {
        var queue = new RecordingQueue<int>(capacity: 1_000);

        var accepted = await Task.WhenAll(
            Enumerable.Range(0, 8).Select(w => Task.Run(() => Enumerable.Range(0, 500).Count(i => queue.TryEnqueue(i))))
        );

        Assert.Equal(1_000, accepted.Sum());
        Assert.Equal(3_000, queue.Dropped);
        Assert.Equal(1_000, queue.Depth);
    }
}
