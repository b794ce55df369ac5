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
    private readonly IncrementalHash? _gitBlob;

    /// <param name="kinds">The digests to compute.</param>
    /// <param name="gitBlobLength">When set, also the git blob id (sha1 of <c>"blob LENGTH\0"</c> + content),
    /// how a git host names a file that is not in LFS; the length must be known up front, as git's is.</param>
    public ContentDigest(DigestKind kinds, long? gitBlobLength = null)
    {
        if (gitBlobLength is { } length)
        {
#pragma warning disable CA5350 // sha1 is what git names blobs with; it is compared, not trusted alone (xxh128 is kept too)
            _gitBlob = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
#pragma warning restore CA5350
            _gitBlob.AppendData(System.Text.Encoding.ASCII.GetBytes($"blob {length}\0"));
        }

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
        _gitBlob?.AppendData(data);
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

        string? git = null;
        if (_gitBlob is not null)
        {
            Span<byte> buffer = stackalloc byte[20];
            _gitBlob.GetCurrentHash(buffer);
            git = Hex.Lower(buffer);
        }

        var result = new DigestResult(BytesHashed, sha, xxh) { GitBlobSha1 = git };
        BytesHashed = 0;
        return result;
    }

    public void Dispose()
    {
        _sha256?.Dispose();
        _gitBlob?.Dispose();
    }
}

public sealed record DigestResult(long Length, string? Sha256, string? Xxh128)
{
    /// <summary>The git blob id, when asked for (see <see cref="ContentDigest(DigestKind, long?)"/>).</summary>
    public string? GitBlobSha1 { get; init; }
}
