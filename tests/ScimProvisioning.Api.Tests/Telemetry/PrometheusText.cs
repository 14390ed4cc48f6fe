using System.Globalization;
using System.Text.RegularExpressions;

namespace ScimProvisioning.Api.Tests.Telemetry;

/// <summary>One sample of a Prometheus text exposition: <c>name{label="value",…} 12</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    private static readonly Regex Line = new(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$");
    private static readonly Regex Label = new(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(\\.|[^""\\])*)""");

    public static List<PrometheusSample> Parse(string exposition) =>
        exposition
            .Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => Line.Match(l))
            .Where(m => m.Success)
            .Select(m => new PrometheusSample(
                m.Groups["name"].Value,
                Label.Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups["key"].Value, l => l.Groups["value"].Value),
                double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)
            ))
            .ToList();

    public string Label_(string key) => Labels.TryGetValue(key, out var value) ? value : "";
}
