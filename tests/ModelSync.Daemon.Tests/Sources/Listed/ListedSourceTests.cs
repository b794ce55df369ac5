using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources.Listed;

namespace ModelSync.Daemon.Tests.Sources.Listed;

public sealed class ListedSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("modelsync-listed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string TokenFile()
    {
        var path = Path.Combine(_dir, "token");
        File.WriteAllText(path, "secret\n");
        return path;
    }

    private static FileSpec Listed(string url) => new() { Path = Path.GetFileName(url), Url = new Uri(url), Size = 1, Sha256 = new string('a', 64) };

    [Fact]
    public async Task ResolveAsync_FileOnAMirrorHost_GetsNoTokenWhileTheOriginsFilesDo()
    {
        var model = new ModelSpec
        {
            Name = "m",
            Version = "1",
            Source = new ListedSpec(new Uri("https://origin.example/m/"), TokenFile()),
            Files = [Listed("https://origin.example/m/a.bin"), Listed("https://mirror.example/m/b.bin"), Listed("http://origin.example/m/c.bin")],
        };

        var resolved = await new ListedSource().ResolveAsync(model, CancellationToken.None);

        Assert.Equal(("m", "1", null), (resolved.Name, resolved.Version, resolved.Source));
        Assert.Equal(["secret", null, null], resolved.Files.Select(f => f.Credential?.Token));
    }

    [Fact]
    public async Task ResolveAsync_NoBaseUrl_EveryListedUrlMayCarryTheToken()
    {
        var model = new ModelSpec { Name = "m", Version = "1", Source = new ListedSpec(null, TokenFile()), Files = [Listed("https://a.example/x.bin"), Listed("https://b.example/y.bin")] };

        var resolved = await new ListedSource().ResolveAsync(model, CancellationToken.None);

        Assert.All(resolved.Files, f => Assert.Equal("secret", f.Credential?.Token));
    }

    [Fact]
    public async Task ResolveAsync_UnreadableTokenFile_UnauthorizedNamingTheFileWhenFirstNeeded()
    {
        var missing = Path.Combine(_dir, "absent-token");
        var model = new ModelSpec { Name = "m", Version = "1", Source = new ListedSpec(null, missing), Files = [Listed("https://a.example/x.bin")] };

        // Resolving needs no token (a published model never reads it); the first fetch does.
        var resolved = await new ListedSource().ResolveAsync(model, CancellationToken.None);
        var error = Assert.Throws<DownloadException>(() => resolved.Files[0].Credential!.Token);

        Assert.Equal(FailureReason.Unauthorized, error.Reason);
        Assert.Contains($"auth.bearerTokenFile {missing}", error.Message, StringComparison.Ordinal);
        Assert.False(error.Transient);
    }
}
