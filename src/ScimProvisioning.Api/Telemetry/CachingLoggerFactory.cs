using System.Collections.Concurrent;

namespace ScimProvisioning.Api.Telemetry;

/// <summary>
/// One logger per category. Serilog's logger factory builds a new logger, with its own event-id cache (a concurrent
/// dictionary), on every <see cref="ILoggerFactory.CreateLogger"/>, and ASP.NET Core asks for one per request: the
/// JWT bearer handler is created for each request and creates its logger in its constructor. A profile of
/// <c>GET /Users/{id}</c> had those dictionaries among the largest allocations of the request.
/// </summary>
internal sealed class CachingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, inner.CreateLogger);

    public void AddProvider(ILoggerProvider provider)
    {
        inner.AddProvider(provider);
        _loggers.Clear();
    }

    public void Dispose() => inner.Dispose();

    /// <summary>Wraps the logger factory registered last (Serilog's) in one that keeps its loggers.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(ILoggerFactory));
        services.Remove(registered);
        services.AddSingleton<ILoggerFactory>(provider => new CachingLoggerFactory(
            registered.ImplementationInstance as ILoggerFactory
                ?? (ILoggerFactory?)registered.ImplementationFactory?.Invoke(provider)
                ?? (ILoggerFactory)ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!)
        ));
    }
}
