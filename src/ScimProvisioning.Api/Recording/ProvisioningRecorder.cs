using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimProvisioning.Api.Scim.Profiles;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Recording;

namespace ScimProvisioning.Api.Recording;

/// <summary>
/// The flight recorder's writer: drains <see cref="RecordingQueue{T}"/> in batches, builds each entry
/// (<see cref="LogEntryBuilder"/>) and writes a batch per transaction, then applies retention by age and by rows per
/// account. Requests only enqueue; a full queue drops and counts (<see cref="Dropped"/>), so the IdP is never slowed.
/// </summary>
public sealed class ProvisioningRecorder(
    IServiceScopeFactory scopes,
    IOptions<RecorderOptions> options,
    IScimProfile profile,
    TimeProvider clock,
    ILogger<ProvisioningRecorder> logger,
    Telemetry.ScimMetrics metrics,
    IInsertUnits inserts
) : BackgroundService
{
    private readonly RecordingQueue<RecordedExchange> queue = new(Math.Max(options.Value.QueueCapacity, 1));
    private readonly ConcurrentDictionary<string, string?> tokenNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IdpDialect> lastDialect = new(StringComparer.Ordinal);
    private long enqueued;
    private long settled;
    private long written;
    private long failed;
    private long queuedBytes;
    private long droppedForBytes; // and for a full queue seen before the request ran (HasRoom)
    private DateTime nextPrune = DateTime.MinValue;

    public long Dropped => queue.Dropped + Interlocked.Read(ref droppedForBytes);

    public int Depth => queue.Depth;

    public long Written => Interlocked.Read(ref written);

    /// <summary>Entries lost to a failed write (logged), since start.</summary>
    public long Failed => Interlocked.Read(ref failed);

    public void Enqueue(RecordedExchange exchange)
    {
        Interlocked.Increment(ref enqueued);
        var bytes = Size(exchange);
        if (Interlocked.Add(ref queuedBytes, bytes) > options.Value.MaxQueuedBytes)
        {
            // Bounded by memory as well as by count: large bodies cannot pile up while the writer rests.
            Interlocked.Add(ref queuedBytes, -bytes);
            Interlocked.Increment(ref droppedForBytes);
            Interlocked.Increment(ref settled);
            CountOperation(exchange);
            return;
        }

        if (!queue.TryEnqueue(exchange))
        {
            Interlocked.Add(ref queuedBytes, -bytes);
            Interlocked.Increment(ref settled);
            CountOperation(exchange);
        }
    }

    /// <summary>Whether an entry would be queued now; when not, the request is served without copying anything.</summary>
    public bool HasRoom => queue.Depth < options.Value.QueueCapacity && Interlocked.Read(ref queuedBytes) < options.Value.MaxQueuedBytes;

    /// <summary>
    /// Counts a SCIM request in the <c>scim.operations</c> metric when it is not recorded (a recorded one is counted as
    /// its entry is built, with the IdP the entry names); the IdP then comes from the User-Agent and URL alone.
    /// </summary>
    public void CountOperation(string method, string path, int status, string? userAgent, string? query)
    {
        if (metrics.CountsOperations)
        {
            metrics.Operation(
                RequestShape.Of(method, path, null, null).Resource,
                method,
                Telemetry.ScimMetrics.Outcome(status),
                DialectDetector.Detect(userAgent, query, null).Dialect.Name()
            );
        }
    }

    private void CountOperation(RecordedExchange exchange) =>
        CountOperation(exchange.Method, exchange.Path, exchange.Status, exchange.UserAgent, exchange.Query);

    /// <summary>Counts a request that was not recorded because the queue was full.</summary>
    public void CountDropped() => Interlocked.Increment(ref droppedForBytes);

    private static long Size(RecordedExchange exchange) => exchange.RequestBody.Length + exchange.ResponseBody.Length;

    /// <summary>Waits until everything enqueued before the call is written or dropped (tests, the CLI, shutdown).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = Interlocked.Read(ref enqueued);
        while (Interlocked.Read(ref settled) < target)
        {
            await Task.Delay(5, cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (true)
        {
            IReadOnlyList<RecordedExchange> batch;
            // A quiet server still applies retention: the wait for entries ends at the next prune.
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(TimeSpan.FromSeconds(Math.Max(options.Value.PruneIntervalSeconds, 1)));
            try
            {
                batch = await queue.ReadBatchAsync(Math.Max(options.Value.BatchSize, 1), wait.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                await PruneIfDueAsync(stoppingToken);
                continue;
            }
            catch (OperationCanceledException)
            {
                // Stopping: what is queued is still written, then the writer ends.
                queue.Close();
                batch = await queue.ReadBatchAsync(int.MaxValue, CancellationToken.None);
                await WriteAsync(batch, CancellationToken.None);
                return;
            }

            if (batch.Count == 0)
            {
                return;
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await WriteAsync(batch, CancellationToken.None);
            await PruneIfDueAsync(stoppingToken);
            var rest = RestAfter(System.Diagnostics.Stopwatch.GetElapsedTime(started), options.Value);
            if (rest > TimeSpan.FromMilliseconds(1))
            {
                try
                {
                    await Task.Delay(rest < TimeSpan.FromSeconds(5) ? rest : TimeSpan.FromSeconds(5), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    // stopping: the next read drains the queue
                }
            }
        }
    }

    private async Task WriteAsync(IReadOnlyList<RecordedExchange> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
            await ResolveTokenNamesAsync(db, batch, cancellationToken);
            var entries = new List<ProvisioningLogEntry>(batch.Count);
            foreach (var exchange in batch)
            {
                try
                {
                    var name = exchange.TokenId is null ? null : tokenNames.GetValueOrDefault(exchange.TokenId);
                    var entry = LogEntryBuilder.Build(exchange, profile, name, options.Value.MaxBodyBytes, Remembered(exchange.TokenId));
                    entries.Add(entry);
                    metrics.Operation(entry.Resource, entry.Method, entry.Outcome, entry.Dialect);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    CountOperation(exchange);
                    Interlocked.Increment(ref failed);
                    logger.LogWarning(e, "The recorder could not read a {Method} request; it is not logged", exchange.Method);
                }
            }

            if (entries.Count == 0)
            {
                return;
            }

            // Plain INSERTs from the EF model as one unit of the engine's writer: on SQLite the group commit takes it into
            // the transaction it writes the IdP's own creations in, on its own connection, binding by position (a batch as
            // one command of a dozen INSERTs had Microsoft.Data.Sqlite look up ~3,000 parameter names); elsewhere one
            // transaction of commands of a dozen rows each.
            await inserts.RunAsync(
                db,
                async rows =>
                {
                    foreach (var chunk in entries.Chunk(12))
                    {
                        await rows.InsertAsync(chunk, cancellationToken);
                    }
                },
                cancellationToken
            );
            Interlocked.Add(ref written, entries.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.Add(ref failed, batch.Count);
            logger.LogWarning(e, "The recorder could not write {Count} entries; they are lost", batch.Count);
        }
        finally
        {
            Interlocked.Add(ref queuedBytes, -batch.Sum(Size));
            Interlocked.Add(ref settled, batch.Count);
        }
    }

    /// <summary>
    /// The dialect this token's requests were last read as: a request without clues of its own (a GET) is taken to come
    /// from the IdP that holds the token. Remembered for a bounded number of tokens; only the writer's thread uses it.
    /// </summary>
    private Func<IdpDialect, IdpDialect?> Remembered(string? tokenId) =>
        detected =>
        {
            if (tokenId is null)
            {
                return null;
            }

            if (detected != IdpDialect.Unknown)
            {
                if (lastDialect.Count < 10_000 || lastDialect.ContainsKey(tokenId))
                {
                    lastDialect[tokenId] = detected;
                }

                return null;
            }

            return lastDialect.TryGetValue(tokenId, out var known) ? known : null;
        };

    private async Task ResolveTokenNamesAsync(ScimDbContext db, IReadOnlyList<RecordedExchange> batch, CancellationToken cancellationToken)
    {
        var unknown = batch
            .Select(e => e.TokenId)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Where(id => !tokenNames.ContainsKey(id))
            .ToList();
        if (unknown.Count == 0)
        {
            return;
        }

        var names = await db
            .ApiTokens.AsNoTracking()
            .Where(t => unknown.Contains(t.Id))
            .Select(t => new { t.Id, t.Name })
            .ToListAsync(cancellationToken);
        foreach (var id in unknown)
        {
            tokenNames[id] = names.FirstOrDefault(n => n.Id == id)?.Name;
        }
    }

    /// <summary>Runs retention when it is due; a stop ends it between two deletes (what is left goes next time).</summary>
    private async Task PruneIfDueAsync(CancellationToken stoppingToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (now < nextPrune)
        {
            return;
        }

        nextPrune = now.AddSeconds(Math.Max(options.Value.PruneIntervalSeconds, 1));
        try
        {
            using var scope = scopes.CreateScope();
            await PruneAsync(scope.ServiceProvider.GetRequiredService<ScimDbContext>(), options.Value, now, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the queue is drained next, and retention resumes with the next start.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Provisioning log retention failed; it runs again in {Seconds} s", options.Value.PruneIntervalSeconds);
        }
    }

    /// <summary>
    /// The most entries one statement of <see cref="PruneAsync"/> deletes. A busy minute can leave 100,000 entries past
    /// the row limit; deleting 50,000 in one statement held SQLite's write lock for ~1.6 s, and every IdP write waited
    /// behind it (POST /Users rounds with a p99 of 330-530 ms). A statement of 1,000 holds it for a few milliseconds.
    /// </summary>
    public const int PruneChunk = 1_000;

    /// <summary>
    /// Deletes entries past the age limit, then each account's oldest beyond the row limit, oldest first, at most
    /// <paramref name="chunk"/> per statement, each its own write, resting between two so that writers waiting for the
    /// database go first. Returns how many.
    /// </summary>
    public static async Task<int> PruneAsync(
        ScimDbContext db,
        RecorderOptions options,
        DateTime now,
        CancellationToken cancellationToken,
        int chunk = PruneChunk
    )
    {
        var deleted = 0;
        if (options.RetentionDays > 0)
        {
            var cutoff = now.AddDays(-options.RetentionDays);
            // In the order of the age's index: in key order, each statement scanned the whole log under the write lock to
            // find nothing past the age (~100 ms at 120,000 entries).
            deleted += await DeleteInChunksAsync(
                db.ProvisioningLog.Where(e => e.OccurredAt < cutoff).OrderBy(e => e.OccurredAt),
                chunk,
                options,
                cancellationToken
            );
        }

        if (options.MaxEntriesPerAccount > 0)
        {
            var max = options.MaxEntriesPerAccount;
            var crowded = await db
                .ProvisioningLog.GroupBy(e => e.AccountId)
                .Where(g => g.Count() > max)
                .Select(g => g.Key)
                .ToListAsync(cancellationToken);
            foreach (var account in crowded)
            {
                var oldestKept = await db
                    .ProvisioningLog.Where(e => e.AccountId == account)
                    .OrderByDescending(e => e.Key)
                    .Skip(max - 1)
                    .Select(e => e.Key)
                    .FirstAsync(cancellationToken);
                deleted += await DeleteInChunksAsync(
                    db.ProvisioningLog.Where(e => e.AccountId == account && e.Key < oldestKept).OrderBy(e => e.Key),
                    chunk,
                    options,
                    cancellationToken
                );
            }
        }

        return deleted;
    }

    /// <summary>
    /// Deletes <paramref name="entries"/> in their order, <paramref name="chunk"/> per statement, resting between two
    /// statements as the writer rests between batches (<see cref="RecorderOptions.MaxWriterShare"/>): deleting what a
    /// flood recorded costs about what inserting it did, and is kept to the same share of the database.
    /// </summary>
    private static async Task<int> DeleteInChunksAsync(
        IOrderedQueryable<ProvisioningLogEntry> entries,
        int chunk,
        RecorderOptions options,
        CancellationToken cancellationToken
    )
    {
        var total = 0;
        while (true)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var deleted = await entries.Take(chunk).ExecuteDeleteAsync(cancellationToken);
            total += deleted;
            if (deleted < chunk)
            {
                return total;
            }

            var rest = RestAfter(System.Diagnostics.Stopwatch.GetElapsedTime(started), options);
            await Task.Delay(rest > TimeSpan.FromMilliseconds(1) ? rest : TimeSpan.FromMilliseconds(1), cancellationToken);
        }
    }

    /// <summary>How long the writer rests after working for <paramref name="worked"/>, to stay within its share.</summary>
    private static TimeSpan RestAfter(TimeSpan worked, RecorderOptions options)
    {
        var share = Math.Clamp(options.MaxWriterShare, 0.01, 1);
        return worked * ((1 - share) / share);
    }
}
