using System.IO.Hashing;
using System.Security.Cryptography;

namespace ModelSync.Daemon.IntegrationTests.Infrastructure;

/// <summary>Digests as the manifest writes them: lowercase hex; xxh128 big-endian (as <c>xxhsum -H2</c>).</summary>
public static class Digest
{
    public static string Sha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static string Xxh128(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(XxHash128.Hash(data));

    public static string Sha256File(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static string Xxh128File(string path)
    {
        using var stream = File.OpenRead(path);
        var hash = new XxHash128();
        hash.Append(stream);
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }
}

/// <summary>Bytes a server can produce at any offset without holding them: a counter-mode SplitMix64
/// stream, random enough that no compression or dedup helps, cheap for half a gigabyte.</summary>
public sealed class GeneratedContent(long length, ulong seed)
{
    public long Length { get; } = length;

    public void Fill(long offset, Span<byte> destination)
    {
        var position = offset;
        var i = 0;
        while (i < destination.Length)
        {
            var word = Mix(seed + (ulong)(position >> 3));
            var skip = (int)(position & 7);
            for (var b = skip; b < 8 && i < destination.Length; b++, i++, position++)
            {
                destination[i] = (byte)(word >> (8 * b));
            }
        }
    }

    /// <summary>xxh128 of the whole stream, computed the way the daemon does: streaming.</summary>
    public string Xxh128()
    {
        var hash = new XxHash128();
        var buffer = new byte[1 << 20];
        for (long offset = 0; offset < Length; offset += buffer.Length)
        {
            var n = (int)Math.Min(buffer.Length, Length - offset);
            Fill(offset, buffer.AsSpan(0, n));
            hash.Append(buffer.AsSpan(0, n));
        }

        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    public bool SameAsFile(string path)
    {
        using var stream = File.OpenRead(path);
        if (stream.Length != Length)
        {
            return false;
        }

        var expected = new byte[1 << 20];
        var actual = new byte[1 << 20];
        for (long offset = 0; offset < Length; offset += expected.Length)
        {
            var n = (int)Math.Min(expected.Length, Length - offset);
            Fill(offset, expected.AsSpan(0, n));
            stream.ReadExactly(actual, 0, n);
            if (!expected.AsSpan(0, n).SequenceEqual(actual.AsSpan(0, n)))
            {
                return false;
            }
        }

        return true;
    }

    private static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
