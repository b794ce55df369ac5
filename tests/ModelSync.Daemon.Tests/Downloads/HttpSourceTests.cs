using ModelSync.Daemon.Downloads;

namespace ModelSync.Daemon.Tests.Downloads;

public sealed class HttpSourceTests
{
    [Fact]
    public void Redact_SignedUrl_DropsQueryAndUserInfo() =>
        Assert.Equal(
            "https://cdn.example/m/model.bin",
            HttpSource.Redact(new Uri("https://user:secret@cdn.example/m/model.bin?X-Amz-Signature=abc&token=xyz")));

    [Fact]
    public void Redact_FileUrl_LocalPath() =>
        Assert.Equal("/mnt/models/a.bin", HttpSource.Redact(new Uri("file:///mnt/models/a.bin")));
}
