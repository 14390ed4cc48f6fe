namespace ScimProvisioning.Api;

/// <summary>
/// Where the server finds its dashboard, settings and default database. A published server (its <c>wwwroot</c>
/// beside the program) uses its own directory, from whatever working directory it is started; <c>dotnet run</c>
/// keeps the project directory it runs in. A content root given with <c>--contentRoot</c> or
/// <c>ASPNETCORE_CONTENTROOT</c> / <c>DOTNET_CONTENTROOT</c> always wins.
/// </summary>
public static class ApplicationDirectory
{
    public static string? ContentRoot(string[] args)
    {
        if (
            args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"))
        )
        {
            return null;
        }

        var published = AppContext.BaseDirectory;
        return Directory.Exists(Path.Combine(published, "wwwroot")) ? published : null;
    }
}
