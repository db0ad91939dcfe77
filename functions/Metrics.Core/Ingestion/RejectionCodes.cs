using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Metrics.Core.Ingestion;

/// <summary>The wire name of each <see cref="RejectionCode"/>, read from its one declaration.</summary>
public static class RejectionCodes
{
    private static readonly FrozenDictionary<RejectionCode, string> Names = Enum.GetValues<RejectionCode>().ToFrozenDictionary(code => code,
        code => typeof(RejectionCode).GetField(code.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()!.Name);

    public static string Name(this RejectionCode code) => Names[code];
}
