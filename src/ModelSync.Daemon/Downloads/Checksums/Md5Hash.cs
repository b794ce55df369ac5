using System.Security.Cryptography;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Downloads.Checksums;

/// <summary>MD5 of the whole object: what a single-part upload's ETag is when no SSE-KMS key encrypted it.</summary>
internal sealed class Md5Hash(SourceChecksum expected) : SourceHash(expected)
{
#pragma warning disable CA5351 // MD5 is what S3 put in the ETag: it is compared, not trusted for security.
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351

    public override void Append(ReadOnlySpan<byte> data) => _md5.AppendData(data);

    public override void Dispose() => _md5.Dispose();

    protected override string Finish() => Convert.ToHexStringLower(_md5.GetHashAndReset());
}
