using Npgsql;

namespace ScimProvisioning.Api.Persistence.Postgres;

/// <summary>
/// The change count of a PostgreSQL database as this instance sees it (<see cref="IResourceChangeFeed"/>), so that
/// <see cref="ResourceReadCache"/> can keep users in memory where several instances share the database.
/// </summary>
/// <remarks>
/// <para>
/// Triggers in the database (migration <c>ResourceChangeNotifications</c>) send a notification on <see cref="Channel"/>
/// from every transaction that changes what a user reads as: an update or delete of a user, a group or a membership,
/// a membership added, and emails or other multi-valued rows changed. Rows added with a new user do not notify: no
/// instance can hold a copy of a user that did not exist, and a change to an existing user's rows also updates the
/// user's own row (its version), whose trigger notifies. PostgreSQL delivers a notification only once its transaction
/// has committed, to every listening session, in commit order; this instance listens on a connection of its own and
/// advances the count for each one. The triggers see every writer alike: this server's paths, another instance, the
/// <c>seed</c> verb, or SQL typed by hand.
/// </para>
/// <para>
/// A notification reaches the other instances a moment after the commit, not at it. This instance does not wait for its
/// own: <see cref="UseWritesAdvanceChangeFeed"/> advances the count as the answer to any write request starts, after
/// its commit and before the client can send the next request, so a client that reads back what it wrote through the
/// same instance never reads a copy from before. Through another instance, the window is the notification's delivery
/// (typically well under a millisecond on one network, shorter than an IdP's next request takes to arrive), and the
/// copies' age limit (<c>Database:ReadCacheSeconds</c>) bounds it whatever happens. While the listening connection is
/// down no copy is served; when it is back, the count advances past everything filed before.
/// </para>
/// </remarks>
public sealed partial class PostgresChangeFeed(string connectionString, ILogger<PostgresChangeFeed> logger)
    : BackgroundService,
        IResourceChangeFeed
{
    /// <summary>The notification channel the triggers send on.</summary>
    public const string Channel = "scim_resources_changed";

    /// <summary>The pause before listening again doubles from one second up to this, while attempts keep failing.</summary>
    private const int MaxRetrySeconds = 30;

    private readonly string _connectionString = ListenerConnectionString(connectionString);
    private NpgsqlConnection? _first;
    private long _generation;
    private int _listening;

    public long Generation => Volatile.Read(ref _generation);

    public bool Followed => Volatile.Read(ref _listening) == 1;

    /// <summary>Counts a write of this instance that has committed (any copy read before it is retired).</summary>
    public void Advance() => Interlocked.Increment(ref _generation);

    /// <summary>
    /// Listens before the server takes requests, so copies are kept from the first one; a database that cannot be
    /// reached yet is retried in the background, with no copies served until it is.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _first = await ListenAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogNotListening(logger, exception.GetType().Name);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = _first is null ? 1 : 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var connection = Interlocked.Exchange(ref _first, null);
            try
            {
                connection ??= await ListenAsync(stoppingToken);
                if (failures > 0)
                {
                    LogListeningAgain(logger);
                    failures = 0;
                }

                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // A broken connection, a restarted server, a dropped database: listen again after a pause. Said once
                // per outage, not once per attempt.
                if (failures++ == 0)
                {
                    LogNotListening(logger, exception.GetType().Name);
                }
            }
            finally
            {
                Unfollow();
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(MaxRetrySeconds, 1 << Math.Min(failures - 1, 5))), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override void Dispose()
    {
        _first?.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Advances the count as the answer to every request that may write (any method but GET, HEAD and OPTIONS)
    /// starts: after the request's commit, before the client has the answer.
    /// </summary>
    public static void UseWritesAdvanceChangeFeed(IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetService<PostgresChangeFeed>() is not { } feed)
        {
            return;
        }

        app.Use(
            (context, next) =>
            {
                var method = context.Request.Method;
                if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method))
                {
                    context.Response.OnStarting(
                        static state =>
                        {
                            ((PostgresChangeFeed)state).Advance();
                            return Task.CompletedTask;
                        },
                        feed
                    );
                }

                return next(context);
            }
        );
    }

    private async Task<NpgsqlConnection> ListenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            connection.Notification += (_, _) => Advance();
            await connection.OpenAsync(cancellationToken);
            await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
            {
                await listen.ExecuteNonQueryAsync(cancellationToken);
            }

            // Anything filed while nobody listened may have missed a notification.
            Advance();
            Volatile.Write(ref _listening, 1);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private void Unfollow()
    {
        Volatile.Write(ref _listening, 0);
        Advance();
    }

    /// <summary>
    /// The listening connection: its own (not pooled, so it never serves a request), with keepalives so that a
    /// connection that died silently is noticed.
    /// </summary>
    private static string ListenerConnectionString(string configured)
    {
        var builder = new NpgsqlConnectionStringBuilder(configured) { Pooling = false };
        if (builder.KeepAlive == 0)
        {
            builder.KeepAlive = 5;
        }

        return builder.ConnectionString;
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Not listening for PostgreSQL change notifications ({Error}); users are read from the database until it is back"
    )]
    private static partial void LogNotListening(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for PostgreSQL change notifications again")]
    private static partial void LogListeningAgain(ILogger logger);
}
