using Metrics.Azurite;

namespace Metrics.Tests.Shared;

/// <summary>
/// A connection string that no storage answers. Its ports are below 1024: the OS never hands them out
/// for port 0 and nothing here listens on them, so unlike a port that was merely free a moment ago, no
/// parallel test's Azurite or app can take one and answer in storage's place.
/// </summary>
public static class UnreachableStorage
{
    public static string ConnectionString { get; } = new AzuriteOptions(BlobPort: 9, QueuePort: 9, TablePort: 9).ConnectionString;
}
