using System.Diagnostics;
using System.Text;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using Xunit;
using Xunit.Abstractions;
using static ModelSync.Daemon.IntegrationTests.Oci.OciArtifacts;

namespace ModelSync.Daemon.IntegrationTests.Oci;

/// <summary>Registry auth: htpasswd (Basic), the token flow (the real registry checking JWTs from an in-test token
/// server), docker config.json per model and per node, and no credential to a redirected blob host or a log.</summary>
[Collection(FaultServerCollection.Name)]
public sealed class OciAuthTests(FaultServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private const string User = "puller";
    private const string Password = "s3cret-Pa55word";
    private const string Service = "modelsync-registry";

    private readonly TestStore _store = new();
    private readonly List<RegistryServer> _registries = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var registry in _registries)
        {
            foreach (var line in registry.Log.TakeLast(20))
            {
                output.WriteLine($"[registry {registry.Port}] {line}");
            }

            await registry.DisposeAsync();
        }

        _store.Dispose();
    }

    private async Task<RegistryServer> StartAsync(RegistryOptions options)
    {
        var registry = await RegistryServer.StartAsync(options);
        _registries.Add(registry);
        return registry;
    }

    private string DockerConfig(string hostPort)
    {
        var path = Path.Combine(_store.Dir, $"config-{Guid.NewGuid():N}.json");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
        File.WriteAllText(path, "{\"auths\": {\"" + hostPort + "\": {\"auth\": \"" + auth + "\"}, \"other.example:5000\": {\"auth\": \"eDp5\"}}}");
        return path;
    }

    private string Manifest(string source, string hostPort, string? modelConfig = null, string? nodeConfig = null)
    {
        var path = Path.Combine(_store.Dir, $"oci-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"""
            store:
              root: {_store.Root}
            sync:
              retry: {"{"} maxAttempts: 2, baseDelay: 50ms, maxDelay: 200ms {"}"}
              stallTimeout: 5s
              insecureRegistries: [{hostPort}]
            {(nodeConfig is null ? "" : $"  dockerConfigFile: {nodeConfig}\n")}models:
              - name: llm
                source: {source}
            {(modelConfig is null ? "" : $"    auth: {{ dockerConfigFile: {modelConfig} }}\n")}
            """);
        return path;
    }

    private void AssertNoSecretLeft(DaemonResult result)
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
        foreach (var text in (string[])[result.Output, File.ReadAllText(_store.Layout.InventoryPath)])
        {
            Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
            Assert.DoesNotContain(basic, text, StringComparison.Ordinal);
        }
    }

    private static string Htpasswd(string dir)
    {
        var path = Path.Combine(dir, "htpasswd");
        using var process = Process.Start(new ProcessStartInfo("htpasswd", ["-Bbn", User, Password]) { RedirectStandardOutput = true })!;
        File.WriteAllText(path, process.StandardOutput.ReadToEnd());
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return path;
    }

    [Fact]
    public async Task Sync_HtpasswdRegistry_BasicFromTheModelsDockerConfigAndRefusedWithoutIt()
    {
        var registry = await StartAsync(new RegistryOptions { HtpasswdFile = Htpasswd(_store.Dir) });
        var (layers, files) = ModelPackRaw(128 << 10);
        using (var pusher = new OciPusher(registry.Origin, "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"))))
        {
            await pusher.PushArtifactAsync("acme/private", "v1", ModelPackArtifact, (ModelPackConfig, Config("p")), layers);
        }

        var source = $"oci://{registry.HostPort}/acme/private:v1";
        var refused = await DaemonRunner.SyncAsync(Manifest(source, registry.HostPort), output);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Equal("Unauthorized", _store.Entry("llm").Error?.Reason);

        var result = await DaemonRunner.SyncAsync(Manifest(source, registry.HostPort, modelConfig: DockerConfig(registry.HostPort)), output);

        Assert.Equal(0, result.ExitCode);
        var entry = _store.Entry("llm");
        Assert.Equal(ModelState.Ready, entry.State);
        Assert.Equal(files["model.safetensors"], File.ReadAllBytes(Path.Combine(_store.VersionDir("llm", entry.Version), "model.safetensors")));
        AssertNoSecretLeft(result);
    }

    [Fact]
    public async Task Sync_TokenAuthRegistry_AnonymousTokenForPublicAndBasicToTheRealmForPrivate()
    {
        using var issuer = new TokenIssuer();
        var scope = server.NewScope();
        var tokenRequests = new List<(string? Authorization, string Scope)>();
        server.Route($"{scope}/token", async r =>
        {
            var query = r.Context.Request.Query;
            var wanted = query["scope"].ToString();
            var auth = r.Record.Authorization;
            lock (tokenRequests)
            {
                tokenRequests.Add((auth, wanted));
            }

            var repo = wanted.Split(':')[1];
            var known = auth == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
            if (repo.StartsWith("private/", StringComparison.Ordinal) && !known)
            {
                await r.Status(401);
                return;
            }

            r.Response.ContentType = "application/json";
            await r.WriteAsync(Encoding.UTF8.GetBytes($$"""{"token": "{{issuer.Issue(query["service"].ToString(), repo, known ? User : "anonymous", "pull")}}", "expires_in": 300}"""));
        });

        // Pushed through a plain registry on the same storage; pulled from the token-protected one.
        var plain = await StartAsync(new RegistryOptions());
        var (layers, _) = ModelPackRaw(64 << 10);
        using (var pusher = new OciPusher(plain.Origin))
        {
            await pusher.PushArtifactAsync("public/bert", "v1", ModelPackArtifact, (ModelPackConfig, Config("pub")), layers);
            await pusher.PushArtifactAsync("private/bert", "v1", ModelPackArtifact, (ModelPackConfig, Config("priv")), layers);
        }

        var cert = issuer.WriteCertificate(_store.Dir);
        var registry = await StartAsync(new RegistryOptions
        {
            StorageDir = plain.StorageDir,
            Token = ($"{server.Origin}{scope}/token", Service, TokenIssuer.Issuer, cert),
        });

        var anonymous = await DaemonRunner.SyncAsync(Manifest($"oci://{registry.HostPort}/public/bert:v1", registry.HostPort), output);

        Assert.Equal(0, anonymous.ExitCode);
        Assert.Equal(ModelState.Ready, _store.Entry("llm").State);
        Assert.Contains(tokenRequests, t => t.Authorization is null && t.Scope == "repository:public/bert:pull");

        var refused = await DaemonRunner.SyncAsync(Manifest($"oci://{registry.HostPort}/private/bert:v1", registry.HostPort), output);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Equal("Unauthorized", _store.Entry("llm").Error?.Reason);

        var result = await DaemonRunner.SyncAsync(Manifest($"oci://{registry.HostPort}/private/bert:v1", registry.HostPort, nodeConfig: DockerConfig(registry.HostPort)), output);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(ModelState.Ready, _store.Entry("llm").State);
        Assert.Contains(tokenRequests, t => t.Authorization is not null && t.Authorization.StartsWith("Basic ", StringComparison.Ordinal) && t.Scope == "repository:private/bert:pull");
        Assert.Contains(registry.Log, l => l.Contains("GET /v2/private/bert/blobs/sha256:", StringComparison.Ordinal) && l.Contains("\" 200 ", StringComparison.Ordinal));
        AssertNoSecretLeft(result);
    }

    [Fact]
    public async Task Sync_BlobRedirectedToAStorageHost_CredentialsStayOnTheRegistry()
    {
        // distribution redirects blob GETs to its storage (S3, GCS) with a signed URL; here the registry front is
        // scripted so the redirect goes to another host name of the same server, which records what it got.
        var scope = server.NewScope();
        var repo = $"front{scope[2..]}/bert";
        var (layers, files) = ModelPackRaw(256 << 10);
        var config = Config("front");
        var manifest = OciPusher.ManifestBytes(ModelPackArtifact, (ModelPackConfig, config), layers);
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
        var blobs = layers.Select(l => (l.Digest, l.Content)).Append(("sha256:" + Digest.Sha256(config), config));
        server.Route($"/v2/{repo}/manifests/v1", async r =>
        {
            if (r.Record.Authorization != basic)
            {
                r.Response.Headers.WWWAuthenticate = "Basic realm=\"front\"";
                await r.Status(401);
                return;
            }

            r.Response.ContentType = OciPusher.ManifestType;
            await r.WriteAsync(manifest);
        });
        foreach (var (digest, content) in blobs)
        {
            server.Route($"/v2/{repo}/blobs/{digest}", r =>
            {
                r.Response.Headers.Location = $"{server.OtherHostOrigin}{scope}/storage/{digest}?X-Amz-Signature=feedface";
                return r.Status(307);
            });
            server.Route($"{scope}/storage/{digest}", r => r.ServeAsync(content));
        }

        var hostPort = $"127.0.0.1:{server.Port}";
        var result = await DaemonRunner.SyncAsync(Manifest($"oci://{hostPort}/{repo}:v1", hostPort, modelConfig: DockerConfig(hostPort)), output);

        Assert.Equal(0, result.ExitCode);
        var entry = _store.Entry("llm");
        Assert.Equal(ModelState.Ready, entry.State);
        Assert.Equal(files["model.safetensors"], File.ReadAllBytes(Path.Combine(_store.VersionDir("llm", entry.Version), "model.safetensors")));
        var storage = server.Requests($"{scope}/storage");
        Assert.NotEmpty(storage);
        Assert.All(storage, r => Assert.Null(r.Authorization));
        Assert.All(server.Requests($"/v2/front{scope[2..]}").Where(r => r.Status is 200 or 307), r => Assert.Equal(basic, r.Authorization));
        AssertNoSecretLeft(result);
    }
}
