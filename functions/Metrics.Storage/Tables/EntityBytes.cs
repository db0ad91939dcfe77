using Azure.Data.Tables;

namespace Metrics.Storage.Tables;

/// <summary>
/// The bytes Azure Table storage bills for an entity, by the formula the Azure Storage team published ("How the size of
/// an entity is calculated", Azure Storage blog, 2010; the same weights as the 1 MiB entity limit):
/// 4 + 2 × (PartitionKey + RowKey characters) + for each property 8 + 2 × name characters + its value
/// (string 4 + 2 × characters, binary 4 + bytes, 8 for numbers and dates, 16 for a Guid, 1 for a bool).
/// The account also bills some index overhead this leaves out, so estimates from it are a floor.
/// </summary>
public static class EntityBytes
{
    public static long Of(TableEntity entity)
    {
        long bytes = 4 + 2L * (entity.PartitionKey.Length + entity.RowKey.Length);
        foreach (var (name, value) in entity)
        {
            if (name is "PartitionKey" or "RowKey" or "odata.etag") continue;
            bytes += 8 + 2L * name.Length + value switch
            {
                string text => 4 + 2L * text.Length,
                byte[] binary => 4 + binary.Length,
                BinaryData data => 4 + data.ToMemory().Length,
                Guid => 16,
                bool => 1,
                int => 4,
                _ => 8,
            };
        }
        return bytes;
    }
}
