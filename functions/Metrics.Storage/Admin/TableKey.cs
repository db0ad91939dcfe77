namespace Metrics.Storage.Admin;

/// <summary>
/// Whether a value given by a person (a user id, a model name) can be a PartitionKey or RowKey: Table
/// storage refuses <c>/ \ # ?</c> and control characters in keys, and a long key is a mistake, not an id.
/// </summary>
public static class TableKey
{
    public const int MaxLength = 256;

    /// <summary>Why <paramref name="value"/> cannot be a key, or null when it can.</summary>
    public static string? Problem(string value)
    {
        if (value.Length == 0) return "it is empty";
        if (value.Length > MaxLength) return $"it is longer than {MaxLength} characters";
        foreach (var c in value)
        {
            if (c is '/' or '\\' or '#' or '?') return $"it contains '{c}'";
            if (char.IsControl(c)) return "it contains a control character";
        }
        return null;
    }
}
