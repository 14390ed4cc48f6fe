using ScimProvisioning.Api.Cli;

namespace ScimProvisioning.Api.Tests.Cli;

/// <summary>
/// The command-line grammar, case by case from its own table (<see cref="CliGrammar.Verbs"/>): a new verb or option is
/// covered without anyone adding a case. Nothing here starts a server; <see cref="CommandLineTests"/> runs the program.
/// </summary>
public sealed class CommandLineGrammarTests
{
    public static TheoryData<string> VerbNames()
    {
        var data = new TheoryData<string>();
        foreach (var verb in CliGrammar.Verbs)
        {
            data.Add(Spelled(verb));
        }

        return data;
    }

    private static string Spelled(CliVerb verb) => verb.Sub is null ? verb.Name : $"{verb.Name} {verb.Sub}";

    private static CliVerb Verb(string spelled) => CliGrammar.Verbs.Single(v => Spelled(v) == spelled);

    /// <summary>The verb with its positional argument and every required option given.</summary>
    private static List<string> Complete(CliVerb verb)
    {
        var args = Spelled(verb).Split(' ').ToList();
        if (verb.Positional is not null)
        {
            args.Add("session.jsonl");
        }

        foreach (var option in verb.Options.Where(o => o.Required))
        {
            args.Add(option.Name);
            args.Add("value");
        }

        return args;
    }

    [Fact]
    public void A_verb_takes_host_settings_in_their_equals_form()
    {
        var args = new[] { "bootstrap", "--json", "--contentRoot=/tmp", "--Scim:Profile=Standard" };

        var command = CliGrammar.Parse(args, out var error);

        Assert.Null(error);
        Assert.True(command.Flag("--json"));
        Assert.Equal(["--contentRoot=/tmp", "--Scim:Profile=Standard"], CliGrammar.ConfigurationArguments(args));
        CliGrammar.Parse(["bootstrap", "--contentRoot", "/tmp"], out var spaced);
        Assert.NotNull(spaced); // beside a verb only the = form is configuration
    }

    [Fact]
    public void The_help_names_every_verb_and_every_option()
    {
        var help = CliGrammar.HelpText();
        foreach (var verb in CliGrammar.Verbs)
        {
            Assert.Contains(verb.Usage, help, StringComparison.Ordinal);
            Assert.Contains(verb.Description, help, StringComparison.Ordinal);
            foreach (var option in verb.Options)
            {
                Assert.Contains(option.Description, help, StringComparison.Ordinal);
            }
        }

        Assert.Contains("--urls", help, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(VerbNames))]
    public void A_verb_with_what_it_requires_parses_and_gives_its_options_back(string spelled)
    {
        var verb = Verb(spelled);
        var args = Complete(verb);
        foreach (var option in verb.Options.Where(o => !o.Required))
        {
            args.Add(option.Name);
            if (option.Value is not null)
            {
                args.Add("optional");
            }
        }

        var command = CliGrammar.Parse([.. args, "--Database:Provider=Sqlite"], out var error);

        Assert.Null(error);
        Assert.Same(verb, command.Verb);
        Assert.Equal(verb.Positional is null ? null : "session.jsonl", command.Positional);
        foreach (var option in verb.Options)
        {
            Assert.True(command.Flag(option.Name), option.Name);
            Assert.Equal(
                option.Value is null ? null
                    : option.Required ? "value"
                    : "optional",
                command.Option(option.Name)
            );
        }

        Assert.Equal(["--Database:Provider=Sqlite"], CliGrammar.ConfigurationArguments([.. args, "--Database:Provider=Sqlite"]));
    }

    [Theory]
    [MemberData(nameof(VerbNames))]
    public void An_unknown_option_of_a_verb_is_an_error_that_names_it(string spelled)
    {
        CliGrammar.Parse([.. Complete(Verb(spelled)), "--acount", "x"], out var error);

        Assert.NotNull(error);
        Assert.Contains("unknown option '--acount'", error, StringComparison.Ordinal);
        Assert.Contains(spelled, error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(VerbNames))]
    public void Leaving_out_any_required_option_or_argument_is_an_error_that_names_it(string spelled)
    {
        var verb = Verb(spelled);
        var complete = Complete(verb);
        foreach (var option in verb.Options.Where(o => o.Required))
        {
            var index = complete.IndexOf(option.Name);
            var without = complete.Where((_, i) => i != index && i != index + 1).ToArray();
            CliGrammar.Parse(without, out var error);
            Assert.NotNull(error);
            Assert.Contains(option.Name, error, StringComparison.Ordinal);
        }

        if (verb.Positional is not null)
        {
            CliGrammar.Parse(complete.Where(a => a != "session.jsonl").ToArray(), out var error);
            Assert.NotNull(error);
            Assert.Contains(verb.Positional, error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(VerbNames))]
    public void An_option_that_takes_a_value_given_none_is_an_error(string spelled)
    {
        var verb = Verb(spelled);
        foreach (var option in verb.Options.Where(o => o.Value is not null))
        {
            var complete = Complete(verb);
            var index = complete.IndexOf(option.Name);
            var without = index < 0 ? complete : complete.Where((_, i) => i != index && i != index + 1).ToList();
            CliGrammar.Parse([.. without, option.Name], out var error);
            Assert.NotNull(error);
            Assert.Contains($"'{option.Name}' needs a value", error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("compat-reprt")]
    [InlineData("server")]
    [InlineData("tokens")]
    [InlineData("tokens list")]
    [InlineData("--prot 5000")]
    [InlineData("--Scim:Profile")]
    [InlineData("--urls")]
    [InlineData("--urls http://127.0.0.1:5000 stray")]
    [InlineData("--Scm=")]
    public void A_typo_is_an_error_not_a_server_start(string line)
    {
        var command = CliGrammar.Parse(line.Split(' '), out var error);

        Assert.NotNull(error);
        Assert.False(command.Help);
    }

    [Theory]
    [InlineData("")]
    [InlineData("--urls http://127.0.0.1:5000")]
    [InlineData("--urls=http://127.0.0.1:5000")]
    [InlineData("--Scim:Profile=Standard")]
    [InlineData("--Scim:Profile Standard --Database:Provider=Sqlite")]
    [InlineData("--environment=Development --contentRoot=/tmp --applicationName=ScimProvisioning.Api")]
    [InlineData("--Scim= --Scim:Profile=Standard --ConnectionStrings= --ConnectionStrings:Scim=DataSource=x.db")]
    public void Configuration_arguments_start_the_server(string line)
    {
        var command = CliGrammar.Parse(line.Length == 0 ? [] : line.Split(' '), out var error);

        Assert.Null(error);
        Assert.Null(command.Verb);
        Assert.False(command.Help);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("tokens create --help")]
    [InlineData("--urls http://127.0.0.1:5000 --help")]
    public void Help_is_asked_for_anywhere_on_the_line(string line)
    {
        var command = CliGrammar.Parse(line.Split(' '), out var error);

        Assert.Null(error);
        Assert.True(command.Help);
    }
}
