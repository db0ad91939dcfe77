namespace Metrics.Tests.Shared;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<SharedAzurite>
{
    public const string Name = "Azurite";
}
