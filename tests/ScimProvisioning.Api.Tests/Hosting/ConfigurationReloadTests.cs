using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using ScimProvisioning.Api.Tests.Infrastructure;
using Xunit;

namespace ScimProvisioning.Api.Tests.Hosting;

/// <summary>
/// appsettings*.json are read once: a watcher on them watches the whole content root, where the default database
/// lives, and woke on every SQLite write (docs/benchmarks.md, fourth round).
/// </summary>
public sealed class ConfigurationReloadTests
{
    [Fact]
    public async Task Appsettings_are_not_watched_for_changes()
    {
        await using var factory = new StandardApiFactory();
        var configuration = (IConfigurationRoot)factory.Services.GetRequiredService<IConfiguration>();
        var files = configuration.Providers.OfType<JsonConfigurationProvider>().ToList();

        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, file.Source.Path));
    }
}
