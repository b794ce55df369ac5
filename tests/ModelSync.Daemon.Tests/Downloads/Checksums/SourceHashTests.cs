using System.Security.Cryptography;
using System.Text;
using ModelSync.Daemon.Downloads.Checksums;
using ModelSync.Daemon.Manifest;
using Xunit;

namespace ModelSync.Daemon.Tests.Downloads.Checksums;

public sealed class SourceHashTests
{
    private static readonly byte[] Check = Encoding.ASCII.GetBytes("123456789");

    [Theory]
    // The catalogued check values of CRC-32C (iSCSI) and CRC-64/NVME over "123456789".
    [InlineData(SourceChecksumKind.Crc32C, "e3069283")]
    [InlineData(SourceChecksumKind.Crc64Nvme, "ae8b14860a799888")]
    [InlineData(SourceChecksumKind.Md5, "25f9e794323b453885f5181f1b624d0b")]
    public void Mismatch_CheckString_MatchesTheCataloguedValue(SourceChecksumKind kind, string value)
    {
        using var hash = SourceHash.For(new SourceChecksum(kind, value, kind.ToString()))!;
        hash.Append(Check.AsSpan(0, 4));
        hash.Append(Check.AsSpan(4));

        Assert.Null(hash.Mismatch());
    }

    [Fact]
    public void Mismatch_OtherBytes_NamesWhatWasComputedAndExpected()
    {
        using var hash = SourceHash.For(new SourceChecksum(SourceChecksumKind.Crc32C, "e3069283", "crc32c"))!;
        hash.Append("123456780"u8);

        Assert.StartsWith("crc32c ", hash.Mismatch(), StringComparison.Ordinal);
        Assert.EndsWith(", expected e3069283", hash.Mismatch(), StringComparison.Ordinal);
    }

    [Fact]
    public void Mismatch_MultipartEtagFedInChunksAcrossPartBoundaries_MatchesMd5OfPartMd5s()
    {
        var data = RandomNumberGenerator.GetBytes(2500);
        long[] parts = [1000, 1000, 500];
        var partDigests = new List<byte>();
        var offset = 0;
        foreach (var size in parts)
        {
            partDigests.AddRange(MD5.HashData(data.AsSpan(offset, (int)size)));
            offset += (int)size;
        }

        var etag = $"{Convert.ToHexStringLower(MD5.HashData([.. partDigests]))}-3";
        using var hash = SourceHash.For(new SourceChecksum(SourceChecksumKind.MultipartEtag, etag, "multipart ETag") { PartSizes = parts })!;
        for (var at = 0; at < data.Length; at += 333)
        {
            hash.Append(data.AsSpan(at, Math.Min(333, data.Length - at)));
        }

        Assert.Null(hash.Mismatch());
    }

    [Fact]
    public void Mismatch_MultipartEtagOfOtherPartSizes_IsAMismatch()
    {
        var data = RandomNumberGenerator.GetBytes(2000);
        var etag = $"{Convert.ToHexStringLower(MD5.HashData([.. MD5.HashData(data.AsSpan(0, 1000)), .. MD5.HashData(data.AsSpan(1000))]))}-2";
        using var hash = SourceHash.For(new SourceChecksum(SourceChecksumKind.MultipartEtag, etag, "multipart ETag") { PartSizes = [500, 1500] })!;
        hash.Append(data);

        Assert.NotNull(hash.Mismatch());
    }
}
