using System.Text;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests;

/// <summary>
/// Manifests written to hurt: each one is refused by the real <c>sync</c> with exit 2 and a message
/// naming file, line and field, before a single request reaches the server or a byte the store.
/// </summary>
[Collection(FaultServerCollection.Name)]
public sealed class HostileManifestTests(FaultServer server, ITestOutputHelper output) : IDisposable
{
    private const string Xxh = "0123456789abcdef0123456789abcdef";

    private readonly TestStore _store = new();
    private readonly string _scope = server.NewScope();

    public void Dispose() => _store.Dispose();

    /// <summary>Case name, the model's lines (placeholders: ORIGIN = the server's scope URL, DIR = the
    /// test's temp directory), and what stderr must say.</summary>
    public static TheoryData<string, string, string> Cases => new()
    {
        { "dot-dot path", Model("../../etc/cron.d/x"), "models[0].files[0].path: path '../../etc/cron.d/x' has a '..' segment" },
        { "absolute path", Model("/etc/passwd"), "models[0].files[0].path: path '/etc/passwd' is absolute" },
        { "not DNS-1123", Model("a.bin").Replace("name: m", "name: ../M", StringComparison.Ordinal), "models[0].name: must be a DNS-1123 label" },
        { "duplicate path", Model("a.bin") + More("a.bin"), "models[0].files[1].path: duplicate path 'a.bin' (also files[0])" },
        { "case-only clash", Model("A.bin") + More("a.bin"), "models[0].files[1].path: path 'a.bin' differs from files[0] 'A.bin' only by case" },
        { "userinfo", Model("a.bin").Replace("ORIGIN", "http://user:pw@127.0.0.1:1/x", StringComparison.Ordinal), "models[0].baseUrl: must not contain credentials" },
        { "ftp scheme", Model("a.bin").Replace("ORIGIN", "ftp://127.0.0.1/x", StringComparison.Ordinal), "models[0].baseUrl: must be an absolute http, https or file URL" },
        { "gopher url", Model("a.bin", "url: gopher://127.0.0.1/a"), "models[0].files[0].url: must be an absolute http, https or file URL" },
        { "file:// without roots", Model("a.bin", "url: file:///etc/shadow"), "models[0].files[0].url: file:// sources are off" },
        { "file:// outside roots", "sync:\n  allowedFileRoots: [DIR/share]\n" + Model("a.bin", "url: file://DIR/share/../secret"), "models[0].files[0].url: 'DIR/secret' is outside sync.allowedFileRoots" },
        { "over capacity", "store:\n  capacity: 1Mi\n  reserve: 0\n" + Model("a.bin").Replace("size: 1", "size: 2Mi", StringComparison.Ordinal), "store.capacity: the models need 2 MiB in all" },
        { "alias bomb", Bomb() + Model("a.bin"), "aliases expand this document to more than 1,000,000 nodes" },
        { "20,000 levels of nesting", "x: " + new string('[', 20_000) + new string(']', 20_000) + "\n" + Model("a.bin"), "nested more than 64 levels deep; refused" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Sync_HostileManifest_ExitsTwoNamingTheProblemAndFetchesNothing(string name, string model, string expected)
    {
        output.WriteLine($"case: {name}");
        var manifest = Write(model);

        var result = await DaemonRunner.SyncAsync(manifest, output);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{manifest}:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(expected.Replace("DIR", _store.Dir, StringComparison.Ordinal), result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests(_scope));
        Assert.False(Directory.Exists(_store.Layout.ModelsDir), "nothing may be written to the store");
    }

    [Fact]
    public async Task Sync_ManifestOfTenMegabytes_RefusedUnread()
    {
        var manifest = Write(Model("a.bin"));
        await using (var stream = new FileStream(manifest, FileMode.Append))
        {
            stream.Write(Encoding.UTF8.GetBytes("# padding\n"));
            stream.SetLength(10L << 20);
        }

        var result = await DaemonRunner.SyncAsync(manifest, output);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{manifest}: the manifest is larger than 1 MiB", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests(_scope));
    }

    private string Write(string yaml)
    {
        var path = Path.Combine(_store.Dir, "hostile.yaml");
        // A case may bring its own store: section; the root goes into it rather than a second one.
        var store = $"store:\n  root: {_store.Root}\n";
        var text = (yaml.StartsWith("store:\n", StringComparison.Ordinal) ? store + yaml["store:\n".Length..] : store + yaml)
            .Replace("ORIGIN", $"{server.Origin}{_scope}/", StringComparison.Ordinal)
            .Replace("DIR", _store.Dir, StringComparison.Ordinal);
        File.WriteAllText(path, text);
        output.WriteLine(text.Length > 2000 ? text[..2000] + "..." : text);
        return path;
    }

    private static string Model(string path, string extra = "") =>
        $"models:\n  - name: m\n    version: \"1\"\n    baseUrl: ORIGIN\n    files:\n      - path: {path}\n        size: 1\n        xxh128: {Xxh}\n"
        + (extra.Length > 0 ? $"        {extra}\n" : "");

    private static string More(string path) => $"      - {{ path: {path}, size: 1, xxh128: {Xxh} }}\n";

    private static string Bomb()
    {
        var yaml = new StringBuilder("x0: &x0 [a, a, a, a, a, a, a, a, a, a]\n");
        for (var i = 1; i <= 9; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"x{i}: &x{i} [{string.Join(", ", Enumerable.Repeat($"*x{i - 1}", 10))}]\n");
        }

        return yaml.ToString();
    }
}
