using System.Text;

namespace ScimProvisioning.Api.Cli;

/// <summary>An option of a verb: <c>--name VALUE</c>, or a flag when <see cref="Value"/> is null.</summary>
public sealed record CliOption(string Name, string? Value, string Description, bool Required = false);

/// <summary>A verb of the server program, with an optional sub-verb (<c>tokens create</c>) and positional argument.</summary>
public sealed record CliVerb(string Name, string? Sub, string? Positional, string Description, IReadOnlyList<CliOption> Options)
{
    public string Usage
    {
        get
        {
            var text = new StringBuilder(Sub is null ? Name : $"{Name} {Sub}");
            if (Positional is not null)
            {
                text.Append(' ').Append(Positional);
            }

            foreach (var option in Options)
            {
                var spelled = option.Value is null ? option.Name : $"{option.Name} {option.Value}";
                text.Append(' ').Append(option.Required ? spelled : $"[{spelled}]");
            }

            return text.ToString();
        }
    }
}

/// <summary>What the command line asks for: the server (no verb), a verb with its options, or the help text.</summary>
public sealed record CliCommand(CliVerb? Verb, string? Positional, IReadOnlyDictionary<string, string?> Options, bool Help)
{
    public string? Option(string name) => Options.GetValueOrDefault(name);

    public bool Flag(string name) => Options.ContainsKey(name);
}

/// <summary>
/// The grammar of the server program's command line, in one table that drives parsing, validation and
/// <c>--help</c>: a verb's unknown option, a missing required option or an unknown verb is an error that prints the
/// help, never a silent server start. Configuration arguments (<c>--Section:Key=value</c>, <c>--urls URL</c>) go to
/// ASP.NET configuration, in server mode and beside a verb alike.
/// </summary>
public static class CliGrammar
{
    public const string Program = "ScimProvisioning.Api";

    public static readonly IReadOnlyList<CliVerb> Verbs =
    [
        new("migrate", null, null, "Apply the database migrations and exit.", []),
        new(
            "bootstrap",
            null,
            null,
            "Create the schema and the default account if missing; print the account id and fresh SCIM and admin tokens.",
            [new("--json", null, "print {\"accountId\",\"scimToken\",\"adminToken\"} and nothing else")]
        ),
        new(
            "tokens",
            "create",
            null,
            "Issue an account API token and print its value.",
            [
                new("--account", "ID", "the account the token belongs to", Required: true),
                new("--permission", "PERMISSION", "scim, admin, read, tokens, or permission names separated by commas", Required: true),
                new("--expires", "WHEN", "a lifetime (30d, 12h, 90m) or an ISO 8601 date; default: never"),
                new("--name", "NAME", "the token's name in the dashboard and the audit log"),
            ]
        ),
        new(
            "accounts",
            "create",
            null,
            "Create another account with its Super Administrator and system groups; print its id and fresh tokens (JSON).",
            [
                new("--name", "NAME", "the account's name (default: Account)"),
                new("--admin-email", "EMAIL", "the Super Administrator's email (default: admin@example.com)"),
            ]
        ),
        new(
            "seed",
            null,
            null,
            "Fill an account straight through the database, for benchmarks (no audit events).",
            [
                new("--account", "ID", "the account to fill", Required: true),
                new("--users", "N", "users to create"),
                new("--groups", "G", "groups to create"),
                new("--group-size", "M", "members of each group"),
            ]
        ),
        new(
            "compat-report",
            null,
            null,
            "Would Cloudflare accept the account's recorded SCIM traffic: counts by IdP and request shape (docs/recorder.md).",
            [
                new("--account", "ID", "the account whose provisioning log is read", Required: true),
                new("--since", "TIME", "only requests at or after this time (ISO 8601)"),
                new("--before", "TIME", "only requests before this time (ISO 8601)"),
                new("--json", null, "print the report as JSON"),
            ]
        ),
        new(
            "replay",
            null,
            "FILE",
            "Send a recorded session (the provisioning log's JSON-lines export) to a SCIM server; exit 1 when an answer differs.",
            [
                new("--url", "SCIM_BASE_URL", "the SCIM base URL to send to", Required: true),
                new("--token", "TOKEN", "the bearer token to send", Required: true),
            ]
        ),
    ];

    /// <summary>Top-level configuration keys a server may be given without a section (<c>--urls</c>, …).</summary>
    private static readonly string[] HostKeys =
    [
        "urls",
        "environment",
        "contentRoot",
        "applicationName",
        "http_ports",
        "https_ports",
        "AllowedHosts",
    ];

    /// <summary>The configuration sections the server reads; <c>--Scim=</c> (a section, empty) is configuration too.</summary>
    private static readonly string[] Sections =
    [
        "Scim",
        "Database",
        "ConnectionStrings",
        "Auth",
        "Bootstrap",
        "RateLimit",
        "Guards",
        "Recorder",
        "Events",
        "Server",
        "Telemetry",
        "Logging",
        "Kestrel",
        "Serilog",
    ];

    private static readonly string[] HelpWords = ["--help", "-h", "-?", "help"];

    /// <summary>True when the first argument names a verb (a typo is not a verb, and fails <see cref="Parse"/>).</summary>
    public static bool IsVerb(string[] args) =>
        args.Length > 0 && Verbs.Any(v => v.Name.Equals(args[0], StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses the arguments; an error message when they are not valid.</summary>
    public static CliCommand Parse(string[] args, out string? error)
    {
        error = null;
        var empty = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (args.Any(a => HelpWords.Contains(a, StringComparer.OrdinalIgnoreCase)))
        {
            return new CliCommand(null, null, empty, Help: true);
        }

        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            // The server: every argument must be configuration.
            for (var i = 0; i < args.Length; i++)
            {
                if (!TryConfiguration(args, ref i, server: true))
                {
                    error = args[i].StartsWith('-') ? $"unknown option '{args[i]}'" : $"unexpected argument '{args[i]}'";
                    return new CliCommand(null, null, empty, false);
                }
            }

            return new CliCommand(null, null, empty, false);
        }

        var candidates = Verbs.Where(v => v.Name.Equals(args[0], StringComparison.OrdinalIgnoreCase)).ToList();
        if (candidates.Count == 0)
        {
            error = $"unknown verb '{args[0]}'";
            return new CliCommand(null, null, empty, false);
        }

        var next = 1;
        var verb = candidates[0];
        if (verb.Sub is not null)
        {
            verb = candidates.FirstOrDefault(v => args.Length > 1 && string.Equals(v.Sub, args[1], StringComparison.OrdinalIgnoreCase))!;
            if (verb is null)
            {
                var subs = string.Join(", ", candidates.Select(v => v.Sub));
                error = args.Length > 1 ? $"unknown '{args[0]} {args[1]}' (known: {subs})" : $"'{args[0]}' needs one of: {subs}";
                return new CliCommand(null, null, empty, false);
            }

            next = 2;
        }

        string? positional = null;
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = next; i < args.Length; i++)
        {
            var arg = args[i];
            var option = verb.Options.FirstOrDefault(o => o.Name.Equals(arg, StringComparison.Ordinal));
            if (option is not null)
            {
                if (option.Value is null)
                {
                    options[option.Name] = null;
                    continue;
                }

                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    error = $"'{option.Name}' needs a value ({option.Value})";
                    return new CliCommand(verb, null, empty, false);
                }

                options[option.Name] = args[++i];
                continue;
            }

            if (TryConfiguration(args, ref i, server: false))
            {
                continue;
            }

            if (!arg.StartsWith('-') && verb.Positional is not null && positional is null)
            {
                positional = arg;
                continue;
            }

            error = arg.StartsWith('-')
                ? $"unknown option '{arg}' for '{Spelled(verb)}'"
                : $"unexpected argument '{arg}' for '{Spelled(verb)}'";
            return new CliCommand(verb, null, empty, false);
        }

        if (verb.Positional is not null && positional is null)
        {
            error = $"'{Spelled(verb)}' needs {verb.Positional}";
        }
        else if (verb.Options.FirstOrDefault(o => o.Required && !options.ContainsKey(o.Name)) is { } missing)
        {
            error = $"'{Spelled(verb)}' needs {missing.Name} {missing.Value}";
        }

        return new CliCommand(verb, positional, options, false);
    }

    /// <summary>The arguments ASP.NET configuration sees: all of them for the server, only configuration beside a verb.</summary>
    public static string[] ConfigurationArguments(string[] args)
    {
        if (!IsVerb(args))
        {
            return args;
        }

        var result = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            var start = i;
            if (TryConfiguration(args, ref i, server: false))
            {
                result.AddRange(args[start..(i + 1)]);
            }
        }

        return result.ToArray();
    }

    /// <summary>
    /// <c>--Section:Key=value</c> or <c>--Section:Key value</c> (and, for the server, <c>--urls …</c> and the other host
    /// keys); moves <paramref name="i"/> past a separate value. Beside a verb, only the <c>=</c> form.
    /// </summary>
    private static bool TryConfiguration(string[] args, ref int i, bool server)
    {
        var arg = args[i];
        if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length < 3)
        {
            return false;
        }

        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        var key = equals < 0 ? arg[2..] : arg[2..equals];
        var known =
            key.Contains(':', StringComparison.Ordinal)
            || ((server || equals >= 0) && HostKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            || (equals >= 0 && Sections.Contains(key, StringComparer.OrdinalIgnoreCase));
        if (!known || key.StartsWith(':') || key.EndsWith(':'))
        {
            return false;
        }

        if (equals >= 0)
        {
            return true;
        }

        if (!server || i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            return false;
        }

        i++;
        return true;
    }

    private static string Spelled(CliVerb verb) => verb.Sub is null ? verb.Name : $"{verb.Name} {verb.Sub}";

    /// <summary>Every verb and its options, and how the server itself is started and configured.</summary>
    public static string HelpText()
    {
        var text = new StringBuilder();
        text.AppendLine($"usage: {Program} [--Section:Key=value ...]        run the server (default http://localhost:5000)");
        text.AppendLine($"       {Program} VERB [options] [--Section:Key=value ...]");
        text.AppendLine($"       {Program} --help                           print this help");
        text.AppendLine();
        text.AppendLine("server options (ASP.NET Core configuration; also appsettings.json and Section__Key environment variables):");
        text.AppendLine("  --urls URLS                      addresses to listen on, separated by ';' (http://0.0.0.0:8080)");
        text.AppendLine("  --Section:Key=value              any setting: --Scim:Profile=Standard, --Database:Provider=Postgres,");
        text.AppendLine("                                   --Server:PublicBaseUrl=https://scim.example.com, --Logging:Format=json");
        text.AppendLine("                                   (README.md and docs/operations.md list them)");
        text.AppendLine();
        text.AppendLine("verbs (results on stdout, logs on stderr):");
        foreach (var verb in Verbs)
        {
            text.AppendLine($"  {verb.Usage}");
            text.AppendLine($"      {verb.Description}");
            foreach (var option in verb.Options)
            {
                var spelled = option.Value is null ? option.Name : $"{option.Name} {option.Value}";
                text.AppendLine($"      {spelled, -28} {option.Description}{(option.Required ? " (required)" : "")}");
            }
        }

        return text.ToString();
    }
}
