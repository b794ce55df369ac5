using System.Globalization;
using System.Text;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;
using ModelSync.TestKit;
using Xunit;

namespace ModelSync.Daemon.IntegrationTests.Infrastructure;

/// <summary>One file of a test model: what the manifest says about it.</summary>
public sealed record ManifestFile(string Path, long Size, string? Sha256, string? Xxh128, string? Url = null)
{
    /// <summary>Both digests of <paramref name="content"/>; <paramref name="url"/> overrides baseUrl + path.</summary>
    public static ManifestFile Of(string path, byte[] content, string? url = null) =>
        new(path, content.Length, Digest.Sha256(content), Digest.Xxh128(content), url);
}

public sealed record ManifestModel(string Name, string Version, string? BaseUrl, IReadOnlyList<ManifestFile> Files)
{
    public string? BearerTokenFile { get; init; }

    /// <summary>The model's <c>signature:</c> value as YAML (a flow mapping), when it has one.</summary>
    public string? Signature { get; init; }
}

/// <summary>
/// A temp directory holding a store root and the manifests that point at it; deleted on dispose.
/// Retries are fast here (baseDelay 50ms, maxDelay 1s, stallTimeout 1s) so fault tests take seconds.
/// </summary>
public sealed class TestStore : IDisposable
{
    public TestStore()
    {
        Dir = Path.Combine(Path.GetTempPath(), "modelsync-it", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Dir);
        Root = Path.Combine(Dir, "store");
        Layout = new StoreLayout(Root);
    }

    private int _manifests;

    public string Dir { get; }

    public string Root { get; }

    public StoreLayout Layout { get; }

    public int MaxAttempts { get; set; } = 4;

    public string StallTimeout { get; set; } = "1s";

    public string? Capacity { get; set; }

    public string? Reserve { get; set; }

    public int? KeepVersions { get; set; }

    /// <summary>Extra lines under <c>sync:</c>, indented by the caller's two spaces.</summary>
    public string? ExtraSync { get; set; }

    /// <summary>Writes a manifest for <paramref name="models"/> and returns its path.</summary>
    public string WriteManifest(params ManifestModel[] models)
    {
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"store:\n  root: {Root}\n");
        if (Capacity is not null)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  capacity: {Capacity}\n");
        }

        if (Reserve is not null)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  reserve: {Reserve}\n");
        }

        if (KeepVersions is not null)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  keepVersions: {KeepVersions}\n");
        }

        yaml.Append(CultureInfo.InvariantCulture, $"""
            sync:
              concurrency: 2
              retry: {"{"} maxAttempts: {MaxAttempts}, baseDelay: 50ms, maxDelay: 1s {"}"}
              stallTimeout: {StallTimeout}

            """);
        if (ExtraSync is not null)
        {
            yaml.Append(ExtraSync).Append('\n');
        }

        yaml.Append("models:\n");
        foreach (var model in models)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - name: {model.Name}\n    version: \"{model.Version}\"\n");
            if (model.BaseUrl is not null)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"    baseUrl: {model.BaseUrl}\n");
            }

            if (model.BearerTokenFile is not null)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"    auth: {{ bearerTokenFile: {model.BearerTokenFile} }}\n");
            }

            if (model.Signature is not null)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"    signature: {model.Signature}\n");
            }

            yaml.Append("    files:\n");
            foreach (var file in model.Files)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"      - path: {file.Path}\n        size: {file.Size}\n");
                if (file.Url is not null)
                {
                    yaml.Append(CultureInfo.InvariantCulture, $"        url: {file.Url}\n");
                }

                if (file.Sha256 is not null)
                {
                    yaml.Append(CultureInfo.InvariantCulture, $"        sha256: {file.Sha256}\n");
                }

                if (file.Xxh128 is not null)
                {
                    yaml.Append(CultureInfo.InvariantCulture, $"        xxh128: {file.Xxh128}\n");
                }
            }
        }

        var path = Path.Combine(Dir, $"manifest-{++_manifests}.yaml");
        File.WriteAllText(path, yaml.ToString());
        return path;
    }

    public StoreInventory ReadInventory()
    {
        var read = InventoryFile.Read(Layout);
        Assert.True(read.Inventory is not null, read.Error);
        return read.Inventory!;
    }

    public ModelEntry Entry(string name)
    {
        var entry = ReadInventory().Find(name);
        Assert.True(entry is not null, $"no inventory entry for {name}");
        return entry!;
    }

    public string VersionDir(string name, string version) => Layout.VersionDir(name, version);

    public string? CurrentTarget(string name) => new FileInfo(Layout.CurrentLink(name)).LinkTarget;

    /// <summary>Everything a published version promises: files byte-identical with 0444, marker with the
    /// manifest's digests, <c>current</c> pointing at it, inventory Ready with sha256 and xxh128 per file.</summary>
    public void AssertPublished(ManifestModel model, Func<ManifestFile, string, bool> sameContent)
    {
        var dir = VersionDir(model.Name, model.Version);
        foreach (var file in model.Files)
        {
            var path = Path.Combine(dir, file.Path);
            Assert.True(File.Exists(path), $"{path} missing");
            Assert.Equal(file.Size, new FileInfo(path).Length);
            Assert.True(sameContent(file, path), $"{path} differs from the source");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(path));
        }

        var marker = MarkerFile.TryRead(dir);
        Assert.NotNull(marker);
        Assert.Equal(model.Version, marker.Version);
        Assert.Equal(model.Files.Select(f => f.Path).Order(), marker.Files.Select(f => f.Path).Order());
        Assert.Equal($"../models/{model.Name}/{model.Version}", CurrentTarget(model.Name));

        var entry = Entry(model.Name);
        Assert.Equal(ModelState.Ready, entry.State);
        Assert.Equal(model.Version, entry.Version);
        Assert.Equal($"models/{model.Name}/{model.Version}", entry.Path);
        Assert.Null(entry.Error);
        Assert.Equal(model.Files.Sum(f => f.Size), entry.Bytes);
        foreach (var file in model.Files)
        {
            var listed = Assert.Single(entry.Files, f => f.Path == file.Path);
            Assert.Equal(file.Size, listed.Size);
            var path = Path.Combine(dir, file.Path);
            Assert.Equal(Digest.Xxh128File(path), listed.Xxh128);
            if (file.Sha256 is not null)
            {
                Assert.Equal(file.Sha256, listed.Sha256);
            }

            if (file.Xxh128 is not null)
            {
                Assert.Equal(file.Xxh128, listed.Xxh128);
            }
        }
    }

    /// <summary>Waits until the inventory on disk shows <paramref name="name"/> in <paramref name="state"/>: a writer
    /// batches the changes that follow one another, so what it did reaches the disk up to a write delay later.
    /// A test that snapshots a store another process writes waits for that process's state first.</summary>
    public Task WaitForEntryAsync(string name, ModelState state) =>
        Eventually.WaitAsync(() => InventoryFile.Read(Layout).Inventory?.Find(name)?.State == state, $"{name} {state} in {Layout.InventoryPath}");

    /// <summary>Paths, link targets and content hashes of every entry under <paramref name="dir"/>.</summary>
    public static IReadOnlyList<string> Snapshot(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return ["<absent>"];
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        return [.. new DirectoryInfo(dir).EnumerateFileSystemInfos("*", options)
            .Select(i => (Rel: Path.GetRelativePath(dir, i.FullName), Info: i))
            .OrderBy(x => x.Rel, StringComparer.Ordinal)
            .Select(x => x.Info.LinkTarget is { } target ? $"{x.Rel} -> {target}"
                // The lock and staged files may be held with flock(LOCK_EX) by a running daemon, and opening
                // them here would take LOCK_SH and fail: size and mtime only under .modelsync/.
                : x.Info is FileInfo f && x.Rel.StartsWith(".modelsync/", StringComparison.Ordinal) ? $"{x.Rel} {f.Length} {f.LastWriteTimeUtc.Ticks}"
                : x.Info is FileInfo f2 ? $"{x.Rel} {f2.Length} {Digest.Sha256File(f2.FullName)} {f2.LastWriteTimeUtc.Ticks}"
                : $"{x.Rel}/")];
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Leftovers in the temp dir do no harm.
        }
    }
}
