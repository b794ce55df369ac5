using ModelSync.Daemon.Sources.S3;
using Xunit;

namespace ModelSync.Daemon.Tests.Sources.S3;

public sealed class S3VersionTests
{
    private static (string, S3Head) Obj(string path, string etag = "\"aa\"", long size = 1, string? versionId = null) => (path, new S3Head("m/" + path, size, etag, versionId));

    [Fact]
    public void Of_SameListingInAnyOrder_SameVersion() =>
        Assert.Equal(S3Version.Of([Obj("a"), Obj("b")]), S3Version.Of([Obj("b"), Obj("a")]));

    [Theory]
    [InlineData("\"bb\"", 1, null)]
    [InlineData("\"aa\"", 2, null)]
    [InlineData("\"aa\"", 1, "v2")]
    public void Of_ChangedObject_NewVersion(string etag, long size, string? versionId)
    {
        var version = S3Version.Of([Obj("a"), Obj("b", etag, size, versionId)]);

        Assert.NotEqual(S3Version.Of([Obj("a"), Obj("b")]), version);
        Assert.Matches("^[0-9a-f]{32}$", version);
    }
}
