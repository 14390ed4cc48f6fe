using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ScimProvisioning.Api.Tests.Infrastructure;

/// <summary>
/// The application's own route table, so tests derived from it cover a new route without anyone listing it; and the
/// repository root, for tests that check a document against what the code does.
/// </summary>
public static class RouteTable
{
    /// <summary>Every registered endpoint as (method, pattern without a trailing slash); "*" for any method.</summary>
    public static List<(string Method, string Pattern)> Of(IServiceProvider services) =>
        services
            .GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e =>
                (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(method =>
                    (method, "/" + e.RoutePattern.RawText!.Trim('/'))
                )
            )
            .Distinct()
            .ToList();

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ScimProvisioning.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root (ScimProvisioning.sln) was not found.");
    }
}
