using System.IO.Hashing;
using System.Security.Cryptography;

namespace ModelSync.Store.Digests;

/// <summary>
/// Incremental sha256 and/or xxh128 over bytes as they stream past, so a download is verified
/// without reading the file a second time. Hex is lowercase; xxh128 is big-endian, as
/// <c>xxhsum -H2</c> prints it.
/// </summary>
public sealed class ContentDigest : IDisposable
{
    private readonly IncrementalHash? _sha256;
    private readonly XxHash128? _xxh128;

    public ContentDigest(DigestKind kinds)
    {
        if (kinds.HasFlag(DigestKind.Sha256))
        {
            _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }

        if (kinds.HasFlag(DigestKind.Xxh128))
        {
            _xxh128 = new XxHash128();
        }
    }

    public long BytesHashed { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        _sha256?.AppendData(data);
        _xxh128?.Append(data);
        BytesHashed += data.Length;
    }

    public DigestResult Finish()
    {
        string? sha = null;
        if (_sha256 is not null)
        {
            Span<byte> buffer = stackalloc byte[32];
            _sha256.GetHashAndReset(buffer);
            sha = Hex.Lower(buffer);
        }

        string? xxh = null;
        if (_xxh128 is not null)
        {
            Span<byte> buffer = stackalloc byte[16];
            _xxh128.GetHashAndReset(buffer);
            xxh = Hex.Lower(buffer);
        }

        var result = new DigestResult(BytesHashed, sha, xxh);
        BytesHashed = 0;
        return result;
    }

    public void Dispose() => _sha256?.Dispose();
}

public sealed record DigestResult(long Length, string? Sha256, string? Xxh128);
