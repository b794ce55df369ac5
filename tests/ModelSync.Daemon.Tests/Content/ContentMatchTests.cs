using ModelSync.Daemon.Content;
using ModelSync.Daemon.Manifest;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Tests.Content;

public sealed class ContentMatchTests
{
    private static readonly string ShaA = new('a', 64);
    private static readonly string ShaB = new('b', 64);
    private static readonly string XxA = new('c', 32);

    private static FileSpec Wanted(long size, string? sha256 = null, string? xxh128 = null, string? git = null) =>
        new() { Path = "w.bin", Url = new Uri("http://127.0.0.1/w.bin"), Size = size, Sha256 = sha256, Xxh128 = xxh128, GitBlobSha1 = git };

    [Fact]
    public void Same_SameSizeAndSha256UnderAnotherPath_Matches() =>
        Assert.True(ContentMatch.Same(Wanted(10, sha256: ShaA), new FileEntry { Path = "other/name.bin", Size = 10, Sha256 = ShaA, Xxh128 = XxA }));

    [Fact]
    public void Same_OtherSize_DoesNotMatch() =>
        Assert.False(ContentMatch.Same(Wanted(11, sha256: ShaA), new FileEntry { Path = "w.bin", Size = 10, Sha256 = ShaA }));

    [Fact]
    public void Same_OneSharedKindDiffers_DoesNotMatchEvenIfAnotherAgrees() =>
        Assert.False(ContentMatch.Same(Wanted(10, sha256: ShaB, xxh128: XxA), new FileEntry { Path = "w.bin", Size = 10, Sha256 = ShaA, Xxh128 = XxA }));

    [Fact]
    public void Same_NoDigestKindInCommon_DoesNotMatch() =>
        Assert.False(ContentMatch.Same(Wanted(10, git: new string('d', 40)), new FileEntry { Path = "w.bin", Size = 10, Sha256 = ShaA, Xxh128 = XxA }));

    [Fact]
    public void Same_GitBlobIdOfAHubFile_Matches() =>
        Assert.True(ContentMatch.Same(Wanted(10, git: new string('d', 40)), new FileEntry { Path = "w.bin", Size = 10, Xxh128 = XxA, GitBlobSha1 = new string('d', 40) }));

    [Fact]
    public void Same_DigestsInUpperCase_MatchTheirLowerCase() =>
        Assert.True(ContentMatch.Same(Wanted(10, sha256: ShaA.ToUpperInvariant()), new FileEntry { Path = "w.bin", Size = 10, Sha256 = ShaA }));
}
