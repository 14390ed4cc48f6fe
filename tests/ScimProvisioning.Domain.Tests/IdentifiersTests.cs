using ScimProvisioning.Domain;

namespace ScimProvisioning.Domain.Tests;

public sealed class IdentifiersTests
{
    [Fact]
    public void A_tag_is_32_lowercase_hex_characters_starting_with_its_creation_time()
    {
        var at = new DateTimeOffset(2026, 12, 3, 14, 0, 0, 123, TimeSpan.Zero);

        var tag = Identifiers.NewTag(at);

        Assert.True(Identifiers.IsTag(tag));
        Assert.Equal(at.ToUnixTimeMilliseconds(), Convert.ToInt64(tag[..12], 16));
    }

    [Fact]
    public void Tags_made_later_sort_after_earlier_ones_in_ordinal_order()
    {
        var start = new DateTimeOffset(2026, 12, 3, 14, 0, 0, TimeSpan.Zero);
        var tags = Enumerable.Range(0, 2_000).Select(i => Identifiers.NewTag(start.AddMilliseconds(i * 37))).ToList();

        Assert.Equal(tags, tags.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Tags_made_in_the_same_millisecond_differ_in_their_random_part()
    {
        var at = DateTimeOffset.UtcNow;

        var tags = Enumerable.Range(0, 10_000).Select(_ => Identifiers.NewTag(at)).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(10_000, tags.Count);
        Assert.Single(tags.Select(t => t[..12]).Distinct());
    }
}
