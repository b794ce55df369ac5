using System.Text;
using ModelSync.Store.Digests;
using ModelSync.Store.Tests.Support;

namespace ModelSync.Store.Tests.Digests;

public sealed class ContentDigestTests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Finish_Sha256KnownVectors_Match(string input, string expected)
    {
        using var digest = new ContentDigest(DigestKind.Sha256);
        digest.Append(Encoding.ASCII.GetBytes(input));

        var result = digest.Finish();

        Assert.Equal(expected, result.Sha256);
        Assert.Null(result.Xxh128);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(240)]
    [InlineData(100_003)]
    public void Finish_Xxh128_EqualsXxhsumH2(int size)
    {
        using var store = new StoreBuilder();
        var path = Path.Combine(store.Root, "f.bin");
        var content = StoreBuilder.Bytes(size, seed: size);
        File.WriteAllBytes(path, content);
        using var digest = new ContentDigest(DigestKind.Xxh128);
        digest.Append(content);

        var (exit, output) = Tool.Run("xxhsum", "-H2", path);

        Assert.Equal(0, exit);
        Assert.Equal(output.Split(' ')[0], digest.Finish().Xxh128);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(1_048_577)]
    public void Finish_GitBlobId_EqualsGitHashObject(int size)
    {
        using var store = new StoreBuilder();
        var path = Path.Combine(store.Root, "f.bin");
        var content = StoreBuilder.Bytes(size);
        File.WriteAllBytes(path, content);
        using var digest = new ContentDigest(DigestKind.Xxh128, gitBlobLength: size);
        for (var i = 0; i < size; i += 65_537)
        {
            digest.Append(content.AsSpan(i, Math.Min(65_537, size - i)));
        }

        var (exit, output) = Tool.Run("git", "hash-object", path);

        Assert.Equal(0, exit);
        Assert.Equal(output.Trim(), digest.Finish().GitBlobSha1);
    }

    [Fact]
    public void Finish_WithoutGitBlobLength_NoGitBlobId()
    {
        using var digest = new ContentDigest(DigestKind.Both);
        digest.Append([1, 2, 3]);

        Assert.Null(digest.Finish().GitBlobSha1);
    }

    [Fact]
    public void Finish_Sha256_EqualsOpensslDgst()
    {
        using var store = new StoreBuilder();
        var path = Path.Combine(store.Root, "f.bin");
        var content = StoreBuilder.Bytes(70_001);
        File.WriteAllBytes(path, content);
        using var digest = new ContentDigest(DigestKind.Sha256);
        digest.Append(content);

        var (exit, output) = Tool.Run("openssl", "dgst", "-sha256", "-r", path);

        Assert.Equal(0, exit);
        Assert.Equal(output.Split(' ')[0], digest.Finish().Sha256);
    }

    [Fact]
    public void Append_InChunks_EqualsOneShotAndCountsBytes()
    {
        var content = StoreBuilder.Bytes(10_000);
        using var whole = new ContentDigest(DigestKind.Both);
        whole.Append(content);
        using var chunked = new ContentDigest(DigestKind.Both);
        for (var i = 0; i < content.Length; i += 777)
        {
            chunked.Append(content.AsSpan(i, Math.Min(777, content.Length - i)));
        }

        Assert.Equal(10_000, chunked.BytesHashed);
        Assert.Equal(whole.Finish(), chunked.Finish());
        Assert.Equal(0, chunked.BytesHashed);
    }

    [Fact]
    public void DigestFormat_OnlyLowercaseHexOfTheRightLength_IsValid()
    {
        Assert.True(DigestFormat.IsXxh128(new string('a', 32)));
        Assert.False(DigestFormat.IsXxh128(new string('A', 32)));
        Assert.False(DigestFormat.IsXxh128(new string('a', 31)));
        Assert.True(DigestFormat.IsSha256(new string('0', 64)));
        Assert.False(DigestFormat.IsSha256(null));
    }
}
