using System.Text.RegularExpressions;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Repository;

/// <summary>
/// The structure docs/architecture.md promises, checked on the repository's own files so a new file is covered
/// without anyone listing it: line length, one type per persistence file, the profile and provider seams.
/// </summary>
public sealed partial class CodeShapeTests
{
    private const int MaxLineLength = 140;

    private static readonly string Root = RouteTable.RepositoryRoot();

    private static readonly string[] CodeExtensions = [".cs", ".js", ".html", ".css", ".sh", ".lua"];

    /// <summary>Hand-written code under src, tests and bench, and .ci/run; generated migrations and build output excluded.</summary>
    private static IEnumerable<string> CodeFiles() =>
        new[] { "src", "tests", "bench" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Root, folder), "*", SearchOption.AllDirectories))
            .Where(path => CodeExtensions.Contains(Path.GetExtension(path), StringComparer.Ordinal))
            .Where(path => !Segments(path).Any(s => s is "bin" or "obj" or "Migrations" or "node_modules" or "TestResults"))
            .Append(Path.Combine(Root, ".ci", "run"));

    private static string[] Segments(string path) => Path.GetRelativePath(Root, path).Split(Path.DirectorySeparatorChar);

    private static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    [Fact]
    public void No_line_is_longer_than_140_characters_outside_generated_migrations()
    {
        var files = CodeFiles().ToList();
        Assert.True(files.Count > 150, $"only {files.Count} code files found under {Root}");

        var tooLong = files
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (path, line, number: index + 1)))
            .Where(l => l.line.Length > MaxLineLength)
            .Select(l => $"{Relative(l.path)}:{l.number} ({l.line.Length} characters)")
            .ToList();

        Assert.True(tooLong.Count == 0, string.Join(Environment.NewLine, tooLong));
    }

    [Fact]
    public void Documentation_lines_wrap_at_140_characters_except_table_rows()
    {
        var documents = Directory
            .EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories)
            .Append(Path.Combine(Root, "README.md"))
            .Append(Path.Combine(Root, "tests", "conformance", "expected-failures.txt"))
            .ToList();

        // A Markdown table row cannot be wrapped; everything else can.
        var tooLong = documents
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (path, line, number: index + 1)))
            .Where(l => l.line.Length > MaxLineLength && !l.line.StartsWith('|'))
            .Select(l => $"{Relative(l.path)}:{l.number} ({l.line.Length} characters)")
            .ToList();

        Assert.True(tooLong.Count == 0, string.Join(Environment.NewLine, tooLong));
    }

    [Fact]
    public void Persistence_code_holds_one_type_per_file()
    {
        var folders = new[] { "src/ScimProvisioning.Domain/Persistence", "src/ScimProvisioning.Api/Persistence" };
        var files = folders.SelectMany(f => Directory.EnumerateFiles(Path.Combine(Root, f), "*.cs", SearchOption.AllDirectories)).ToList();
        Assert.NotEmpty(files);

        var crowded = files
            .Select(path => (path, types: File.ReadLines(path).Count(line => TopLevelType().IsMatch(line))))
            .Where(f => f.types != 1)
            .Select(f => $"{Relative(f.path)} declares {f.types} top-level types")
            .ToList();

        Assert.True(crowded.Count == 0, string.Join(Environment.NewLine, crowded));
    }

    [Fact]
    public void Only_the_profile_types_know_which_profile_is_running()
    {
        var profiles = Path.Combine("src", "ScimProvisioning.Api", "Scim", "Profiles");
        var options = Path.Combine("src", "ScimProvisioning.Api", "Configuration", "Options.cs");
        var askers = CodeFiles()
            .Where(path =>
                path.StartsWith(Path.Combine(Root, "src"), StringComparison.Ordinal) && path.EndsWith(".cs", StringComparison.Ordinal)
            )
            .Where(path => !Path.GetRelativePath(Root, path).StartsWith(profiles, StringComparison.Ordinal))
            .Where(path => Path.GetRelativePath(Root, path) != options)
            .Where(path => ProfileQuestion().IsMatch(File.ReadAllText(path)))
            .Select(Relative)
            .ToList();

        Assert.True(askers.Count == 0, "Ask IScimProfile instead: " + string.Join(", ", askers));
    }

    [Fact]
    public void The_domain_names_no_database_provider()
    {
        var domain = Directory
            .EnumerateFiles(Path.Combine(Root, "src", "ScimProvisioning.Domain"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !Segments(path).Any(s => s is "bin" or "obj"));

        var naming = domain.Where(path => ProviderName().IsMatch(File.ReadAllText(path))).Select(Relative).ToList();

        Assert.True(
            naming.Count == 0,
            "Put provider differences behind an interface (IAccountLock, IInsertUnits): " + string.Join(", ", naming)
        );
    }

    [GeneratedRegex(@"^(public |internal |file )?(sealed |static |abstract |partial |readonly )*(class|record|interface|enum|struct) ")]
    private static partial Regex TopLevelType();

    [GeneratedRegex(@"ScimProfile\.(Cloudflare|Standard)|\.Profile\s*[!=]=")]
    private static partial Regex ProfileQuestion();

    [GeneratedRegex(@"ProviderName|Npgsql|SqliteException|UseSqlite|UseNpgsql")]
    private static partial Regex ProviderName();
}
