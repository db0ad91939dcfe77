using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Metrics.Client;

/// <summary>UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits; .NET 9 has it built in, .NET 8 gets this.</summary>
internal static class EventIds
{
    public static Guid NewVersion7(DateTimeOffset at)
    {
#if NET9_0_OR_GREATER
        return Guid.CreateVersion7(at);
#else
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        var milliseconds = at.ToUnixTimeMilliseconds();
        BinaryPrimitives.WriteInt64BigEndian(bytes, milliseconds << 16 | (long)BinaryPrimitives.ReadUInt16BigEndian(bytes[6..]));
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
#endif
    }
}
