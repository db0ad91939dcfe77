using System.ComponentModel.DataAnnotations;

namespace Metrics.Core.Ingestion.Otlp;

/// <summary>
/// The span attributes OTLP ingestion reads the org, model and cost units from (configuration section <c>Otlp</c>).
/// OpenTelemetry's semantic conventions name none of the three for a request, so each is a setting, with a default a
/// service can set on its server span (<c>Activity.Current?.SetTag("org.id", …)</c>) or its resource.
/// </summary>
public sealed class OtlpOptions
{
    public const string DefaultOrgAttribute = "org.id";
    /// <summary>The GenAI semantic conventions' name for the model a request asked for.</summary>
    public const string DefaultModelAttribute = "gen_ai.request.model";
    public const string DefaultUnitsAttribute = "metrics.units";

    [Required(AllowEmptyStrings = false)]
    public string OrgAttribute { get; set; } = DefaultOrgAttribute;

    [Required(AllowEmptyStrings = false)]
    public string ModelAttribute { get; set; } = DefaultModelAttribute;

    [Required(AllowEmptyStrings = false)]
    public string UnitsAttribute { get; set; } = DefaultUnitsAttribute;
}
