using System.Collections.Concurrent;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Api.Persistence;

/// <summary>
/// Users as <c>GET /Users/{id}</c> and <c>filter=userName eq "…"</c> last read them, kept until anything SCIM
/// resources are read from changes: the two calls IdPs make most, served without the database while nothing is written.
/// </summary>
/// <remarks>
/// <para>
/// A copy is served only while the database's change count (<see cref="IResourceChangeFeed"/>) is the one taken before
/// the copy was read: any commit that may have changed what a user reads as retires every copy at once. That is coarse
/// on purpose — nothing has to know which users a group rename shows up in — and a provisioning cycle that writes
/// between its reads simply reads the database as before. Copies also expire after
/// <see cref="DatabaseOptions.ReadCacheSeconds"/> (on SQLite a writer in another process, such as the <c>seed</c> verb,
/// is not seen by the count; on PostgreSQL another instance's commit is seen when its notification arrives), and at
/// most <see cref="DatabaseOptions.ReadCacheEntries"/> are kept. The views held here are shared between requests and
/// are only ever rendered, never changed.
/// </para>
/// </remarks>
public sealed class ResourceReadCache
{
    private readonly IResourceChangeFeed? _feed;
    private readonly long _maxAgeMilliseconds;
    private readonly int _capacity;
    private readonly ConcurrentDictionary<(string Account, string Id), KeptUser> _byId = new();
    private readonly ConcurrentDictionary<(string Account, string UserName), KeptUser> _byUserName = new();
    private int _count;

    /// <param name="feed">The change count of the database, or null where copies are not kept.</param>
    public ResourceReadCache(IResourceChangeFeed? feed, int maxAgeSeconds, int capacity)
    {
        _feed = maxAgeSeconds > 0 && capacity > 0 ? feed : null;
        _maxAgeMilliseconds = maxAgeSeconds * 1000L;
        _capacity = capacity;
    }

    /// <summary>Whether this server keeps copies at all.</summary>
    public bool Enabled => _feed is { Followed: true };

    /// <summary>The change count to file a read under, taken before the read starts; null when it may not be kept.</summary>
    public long? BeforeRead() => _feed is { Followed: true } feed ? feed.Generation : null;

    /// <summary>The current copy of a user with its rendering slot, or null.</summary>
    public KeptUser? Kept(string accountId, string userId) =>
        _byId.TryGetValue((accountId, userId), out var entry) && IsCurrent(entry) ? entry : null;

    /// <summary>
    /// The current copy of the user whose userName folds (<see cref="Identifiers.NormalizeKey"/>) to
    /// <paramref name="userName"/>'s fold, or null.
    /// </summary>
    public KeptUser? KeptByName(string accountId, string userName) =>
        _byUserName.TryGetValue((accountId, Identifiers.NormalizeKey(userName)), out var entry) && IsCurrent(entry) ? entry : null;

    /// <summary>Keeps a view read after <see cref="BeforeRead"/> returned <paramref name="generation"/>.</summary>
    public void Keep(UserView view, long? generation)
    {
        if (generation is not { } taken || _feed is null)
        {
            return;
        }

        var user = view.User;
        var byId = (user.AccountId, user.Id);
        var byUserName = (user.AccountId, Identifiers.NormalizeKey(user.UserName));
        // Only a copy of a user not held yet counts: a copy read again after a write or its expiry replaces the old one.
        // (Counting every copy emptied the cache every ReadCacheEntries reads of the same few users.)
        var grows = !_byId.ContainsKey(byId) || !_byUserName.ContainsKey(byUserName);
        if (grows && Interlocked.Increment(ref _count) > _capacity)
        {
            // Full: start over rather than track recency on every hit. At the default size this is a rare event even
            // when every user of a 100,000-user account is read in turn.
            _byId.Clear();
            _byUserName.Clear();
            Interlocked.Exchange(ref _count, 1);
        }

        var entry = new KeptUser(taken, Environment.TickCount64, view);
        _byId[byId] = entry;
        _byUserName[byUserName] = entry;
    }

    private bool IsCurrent(KeptUser entry) =>
        _feed is { Followed: true } feed
        && entry.Generation == feed.Generation
        && Environment.TickCount64 - entry.Created < _maxAgeMilliseconds;

    /// <summary>A kept user, and its resource as last rendered in full (no <c>attributes</c> asked) for one base URL.</summary>
    public sealed class KeptUser(long generation, long created, UserView view)
    {
        private Rendering? _rendered;

        public long Generation => generation;

        public long Created => created;

        public UserView View => view;

        /// <summary>The UTF-8 JSON of the full resource at <paramref name="baseUrl"/>, rendered once per base URL.</summary>
        public byte[] Rendered<TState>(string baseUrl, TState state, Func<TState, byte[]> render)
        {
            if (Volatile.Read(ref _rendered) is { } rendered && string.Equals(rendered.BaseUrl, baseUrl, StringComparison.Ordinal))
            {
                return rendered.Json;
            }

            var json = render(state);
            Volatile.Write(ref _rendered, new Rendering(baseUrl, json));
            return json;
        }

        private sealed record Rendering(string BaseUrl, byte[] Json);
    }
}
