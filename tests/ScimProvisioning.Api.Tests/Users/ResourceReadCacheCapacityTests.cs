using ScimProvisioning.Api.Persistence;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Api.Tests.Users;

/// <summary>
/// <c>Database:ReadCacheEntries</c> bounds how many users the read cache holds, not how many times it has kept one: a
/// user read again (after a write or its copy's expiry) replaces its copy.
/// </summary>
public sealed class ResourceReadCacheCapacityTests
{
    private const string Account = "0123456789abcdef0123456789abcdef";

    private sealed class FixedFeed : IResourceChangeFeed
    {
        public long Generation { get; set; } = 1;

        public bool Followed => true;
    }

    [Fact]
    public void A_user_kept_again_and_again_is_not_counted_again()
    {
        var feed = new FixedFeed();
        var cache = new ResourceReadCache(feed, maxAgeSeconds: 60, capacity: 2);
        cache.Keep(View("a"), cache.BeforeRead());
        cache.Keep(View("b"), cache.BeforeRead());
        for (var i = 0; i < 5; i++)
        {
            cache.Keep(View("a"), cache.BeforeRead());
            Assert.NotNull(cache.Kept(Account, Id("b")));
        }

        Assert.NotNull(cache.Kept(Account, Id("a")));
        Assert.NotNull(cache.KeptByName(Account, "A@EXAMPLE.COM"));
        Assert.NotNull(cache.Kept(Account, Id("b")));
    }

    [Fact]
    public void A_copy_kept_again_after_a_write_replaces_the_old_one_without_emptying_the_cache()
    {
        var feed = new FixedFeed();
        var cache = new ResourceReadCache(feed, maxAgeSeconds: 60, capacity: 2);
        cache.Keep(View("a"), cache.BeforeRead());
        cache.Keep(View("b"), cache.BeforeRead());
        for (var write = 0; write < 3; write++)
        {
            feed.Generation++;
            cache.Keep(View("a", title: $"after write {write}"), cache.BeforeRead());
        }

        Assert.Equal("after write 2", cache.Kept(Account, Id("a"))!.View.User.Title);
        // b's copy is from before the writes: still held, never served.
        Assert.Null(cache.Kept(Account, Id("b")));
        cache.Keep(View("b"), cache.BeforeRead());
        cache.Keep(View("a", title: "read again"), cache.BeforeRead());
        Assert.Equal("read again", cache.Kept(Account, Id("a"))!.View.User.Title);
        Assert.NotNull(cache.Kept(Account, Id("b")));
    }

    [Fact]
    public void More_users_than_the_capacity_start_the_cache_over()
    {
        var cache = new ResourceReadCache(new FixedFeed(), maxAgeSeconds: 60, capacity: 2);
        cache.Keep(View("a"), cache.BeforeRead());
        cache.Keep(View("b"), cache.BeforeRead());
        cache.Keep(View("c"), cache.BeforeRead());

        Assert.Null(cache.Kept(Account, Id("a")));
        Assert.Null(cache.KeptByName(Account, "b@example.com"));
        Assert.NotNull(cache.Kept(Account, Id("c")));
    }

    private static string Id(string name) => name.PadLeft(32, '0');

    private static UserView View(string name, string? title = null)
    {
        var user = new User
        {
            Id = Id(name),
            AccountId = Account,
            Title = title,
        };
        user.SetUserName($"{name}@example.com");
        return new UserView(user, []);
    }
}
