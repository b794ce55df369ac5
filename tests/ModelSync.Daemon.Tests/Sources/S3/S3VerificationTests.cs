using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources.S3;
using Xunit;

namespace ModelSync.Daemon.Tests.Sources.S3;

public sealed class S3VerificationTests
{
    private const string Md5Tag = "\"9e107d9d372bb6826bd81d3542a419d6\"";
    private const string Sha256 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; // sha256 of ""
    private static readonly FileSpec File = new() { Path = "model.bin", Url = new Uri("http://127.0.0.1/b/model.bin"), Size = 10 };

    private static S3Head Head(string etag = Md5Tag) => new("p/model.bin", 10, etag, null);

    [Fact]
    public void Apply_ManifestDigest_ComesFirst()
    {
        var spec = S3Verification.Apply(File, Head() with { Sha256 = Sha256 }, new KnownDigest("model.bin", null, "00112233445566778899aabbccddeeff"), false, "s3://b/p/model.bin");

        Assert.Equal(("00112233445566778899aabbccddeeff", null, null), (spec.Xxh128, spec.Sha256, spec.SourceChecksum));
    }

    [Fact]
    public void Apply_FullObjectSha256_IsTheStoresSha256()
    {
        var spec = S3Verification.Apply(File, Head() with { Sha256 = Sha256, ChecksumType = "FULL_OBJECT" }, null, false, "s3://b/p/model.bin");

        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", spec.Sha256);
        Assert.Null(spec.SourceChecksum);
    }

    [Fact]
    public void Apply_CompositeSha256_IsNotTakenForTheObjectsSha256()
    {
        var spec = S3Verification.Apply(File, Head() with { Sha256 = Sha256, ChecksumType = "COMPOSITE" }, null, false, "s3://b/p/model.bin");

        Assert.Null(spec.Sha256);
        Assert.Equal(SourceChecksumKind.Md5, spec.SourceChecksum?.Kind);
    }

    [Fact]
    public void Apply_Crc64NvmeBeforeCrc32CBeforeEtag()
    {
        var both = Head() with { Crc64Nvme = "rosUhgp5mIg=", Crc32C = "4waSgw==" };

        Assert.Equal((SourceChecksumKind.Crc64Nvme, "ae8b14860a799888"), S3Verification.Apply(File, both, null, false, "x") is { SourceChecksum: { } c } ? (c.Kind, c.Expected) : default);
        Assert.Equal((SourceChecksumKind.Crc32C, "e3069283"), S3Verification.Apply(File, Head() with { Crc32C = "4waSgw==" }, null, false, "x") is { SourceChecksum: { } d } ? (d.Kind, d.Expected) : default);
    }

    [Fact]
    public void Apply_SingleEtag_IsAnMd5NeverASha256()
    {
        var spec = S3Verification.Apply(File, Head(), null, false, "x");

        Assert.Null(spec.Sha256);
        Assert.Equal((SourceChecksumKind.Md5, "9e107d9d372bb6826bd81d3542a419d6"), (spec.SourceChecksum!.Kind, spec.SourceChecksum.Expected));
    }

    [Fact]
    public void Apply_MultipartEtagWithPartSizes_IsRecomputed()
    {
        var spec = S3Verification.Apply(File, Head("\"9e107d9d372bb6826bd81d3542a419d6-2\"") with { PartSizes = [6, 4] }, null, false, "x");

        Assert.Equal(SourceChecksumKind.MultipartEtag, spec.SourceChecksum?.Kind);
        Assert.Equal([6L, 4L], spec.SourceChecksum!.PartSizes);
    }

    [Theory]
    [InlineData("\"9e107d9d372bb6826bd81d3542a419d6-2\"", null, "multipart ETag (2 parts)")]
    [InlineData(Md5Tag, "aws:kms", "SSE-KMS")]
    public void Apply_NothingVouches_RefusedNamingTheKeyUnlessSizeOnly(string etag, string? sse, string why)
    {
        var head = Head(etag) with { ServerSideEncryption = sse };

        var ex = Assert.Throws<DownloadException>(() => S3Verification.Apply(File, head, null, false, "s3://b/p/model.bin"));

        Assert.Equal((FailureReason.SourceInvalid, false), (ex.Reason, ex.Transient));
        Assert.StartsWith("s3://b/p/model.bin: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(why, ex.Message, StringComparison.Ordinal);
        var sizeOnly = S3Verification.Apply(File, head, null, true, "s3://b/p/model.bin");
        Assert.Equal((null, null, null), (sizeOnly.Sha256, sizeOnly.Xxh128, sizeOnly.SourceChecksum));
    }
}
