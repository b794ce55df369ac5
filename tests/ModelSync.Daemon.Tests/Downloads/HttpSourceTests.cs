using ModelSync.Daemon.Downloads;

namespace ModelSync.Daemon.Tests.Downloads;

public sealed class HttpSourceTests
{
    [Theory]
    [InlineData("https://hf.co/a", "https://hf.co/b", true)]
    [InlineData("https://hf.co/a", "https://HF.CO/b", true)]
    [InlineData("https://hf.co/a", "https://cdn.hf.co/b", false)]
    [InlineData("https://hf.co/a", "https://hf.co:8443/b", false)]
    [InlineData("https://hf.co/a", "http://hf.co/b", false)]
    [InlineData("http://127.0.0.1:80/a", "https://127.0.0.1:80/b", true)]
    public void MayCarryToken_Redirect_OnlySameOriginNoDowngrade(string origin, string target, bool expected) =>
        Assert.Equal(expected, HttpSource.MayCarryToken(new Uri(origin), new Uri(target)));

    [Fact]
    public void Redact_SignedUrl_DropsQueryAndUserInfo() =>
        Assert.Equal(
            "https://cdn.example/m/model.bin",
            HttpSource.Redact(new Uri("https://user:secret@cdn.example/m/model.bin?X-Amz-Signature=abc&token=xyz")));

    [Fact]
    public void Redact_FileUrl_LocalPath() =>
        Assert.Equal("/mnt/models/a.bin", HttpSource.Redact(new Uri("file:///mnt/models/a.bin")));
}
