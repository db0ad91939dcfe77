using System.Globalization;
using System.Net;
using Metrics.Functions.Tests.Security;

namespace Metrics.Functions.Tests.Operations;

/// <summary>/api/ops/metrics as Prometheus reads it: fetched with the admin key, parsed line by line (text format 0.0.4).</summary>
internal sealed class Scrape(string text, IReadOnlyList<Sample> samples)
{
    public string Text { get; } = text;
    public IReadOnlyList<Sample> Samples { get; } = samples;

    public static async Task<Scrape> TakeAsync(TestApp app)
    {
        using var response = await app.Client.GetAsAsync("/api/ops/metrics", TestApp.AdminKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return new Scrape(text, text.Split('\n').Where(line => line.Length > 0 && line[0] != '#').Select(Parse).ToList());
    }

    /// <summary>The series of a name whose labels include <paramref name="labels"/> (<c>"function=IngestRequests"</c>, …).</summary>
    public IReadOnlyList<Sample> Series(string name, params string[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => l.Split('=', 2) is [var key, var value] && s.Labels.GetValueOrDefault(key) == value)).ToList();

    /// <summary>The sum over those series; 0 when there are none (a counter not moved yet is not exported).</summary>
    public double Sum(string name, params string[] labels) => Series(name, labels).Sum(s => s.Value);

    /// <summary>The HELP and TYPE lines declare the family.</summary>
    public bool Declares(string family, string type) => Text.Contains($"# TYPE {family} {type}\n", StringComparison.Ordinal);

    private static Sample Parse(string line)
    {
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var nameEnd = brace >= 0 ? brace : line.IndexOf(' ', StringComparison.Ordinal);
        var labelsEnd = brace >= 0 ? line.LastIndexOf('}') : nameEnd - 1;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = brace + 1; brace >= 0 && i < labelsEnd;)
        {
            var equals = line.IndexOf('=', i);
            var value = new System.Text.StringBuilder();
            var j = equals + 2; // past ="
            for (; line[j] != '"'; j++)
            {
                if (line[j] == '\\') j++;
                value.Append(line[j]);
            }
            labels[line[i..equals].Trim(',', ' ')] = value.ToString();
            i = j + 1;
        }
        // The value, then an optional timestamp.
        var number = line[(labelsEnd + 1)..].Trim().Split(' ')[0];
        return new Sample(line[..nameEnd], labels, number switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => double.Parse(number, CultureInfo.InvariantCulture),
        });
    }
}
