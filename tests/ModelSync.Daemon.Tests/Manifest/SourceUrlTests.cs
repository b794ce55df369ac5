using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Tests.Manifest;

public sealed class SourceUrlTests
{
    [Theory]
    [InlineData("https://h/base/", "config.json", "https://h/base/config.json")]
    [InlineData("https://h/base", "config.json", "https://h/base/config.json")]
    [InlineData("https://h/", "a/b/c.bin", "https://h/a/b/c.bin")]
    [InlineData("https://h/r/", "with space/50%#1?.bin", "https://h/r/with%20space/50%25%231%3F.bin")]
    [InlineData("https://h/r/", "x:y", "https://h/r/x%3Ay")]
    [InlineData("file:///mnt/share/m/", "weights.bin", "file:///mnt/share/m/weights.bin")]
    public void Resolve_AppendsEscapedSegments(string baseUrl, string path, string expected)
    {
        Assert.Equal(expected, SourceUrl.Resolve(new Uri(baseUrl), path).AbsoluteUri);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/x", true)]
    [InlineData("HTTPS://h/x", true)]
    [InlineData("file:///mnt/x", true)]
    [InlineData("/mnt/x", false)]
    [InlineData("mnt/x", false)]
    [InlineData("ftp://h/x", false)]
    [InlineData("http:///x", false)]
    [InlineData("https://h/x#frag", false)]
    [InlineData("https://user:pw@h/x", false)]
    public void Check_SchemesAndShape(string text, bool ok)
    {
        Assert.Equal(ok, SourceUrl.Check(text, out var uri) is null);
        Assert.Equal(ok, uri is not null);
    }
}
