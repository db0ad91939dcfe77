namespace Metrics.Azurite;

/// <summary>Azurite did not come up; <see cref="Output"/> holds its last lines.</summary>
public sealed class AzuriteStartException(string message, string output) : Exception(message)
{
    public string Output { get; } = output;
}
