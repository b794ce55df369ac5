using ModelSync.Store.Digests;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Store.Tests.Support;

/// <summary>
/// Builds stores on disk the way the daemon publishes them (files 0444, marker, <c>current</c> link,
/// atomic inventory) in a temp directory removed on dispose. Shared by the Store and Gate tests.
/// </summary>
public sealed class StoreBuilder : IDisposable
{
    private long _generation;

    public StoreBuilder()
    {
        Root = Path.Combine(Path.GetTempPath(), "modelsync-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Layout = new StoreLayout(Root);
    }

    public string Root { get; }

    public StoreLayout Layout { get; }

    /// <summary>Deterministic pseudo-random content, so a failing test is reproducible.</summary>
    public static byte[] Bytes(int size, int seed = 1)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Publishes a version with both digests recorded and returns its Ready entry.</summary>
    public ModelEntry Publish(string name, string version, params (string Path, byte[] Content)[] files) =>
        PublishFrom(null, name, version, files);

    /// <summary>As <see cref="Publish"/>, with the marker's <c>source</c> (e.g. an <c>hf://</c> reference).</summary>
    public ModelEntry PublishFrom(string? source, string name, string version, params (string Path, byte[] Content)[] files)
    {
        var dir = Layout.VersionDir(name, version);
        var entries = new List<FileEntry>();
        foreach (var (relative, content) in files)
        {
            var path = Path.Combine(dir, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, content);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            using var digest = new ContentDigest(DigestKind.Both);
            digest.Append(content);
            var result = digest.Finish();
            entries.Add(new FileEntry { Path = relative, Size = content.Length, Sha256 = result.Sha256, Xxh128 = result.Xxh128 });
        }

        var publishedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        MarkerFile.Write(dir, new ModelMarker { Name = name, Version = version, Source = source, PublishedAt = publishedAt, Files = entries });
        CurrentLink.Switch(Layout, name, version);
        return new ModelEntry
        {
            Name = name,
            Version = version,
            State = ModelState.Ready,
            Path = StoreLayout.VersionRelativePath(name, version),
            Bytes = entries.Sum(f => f.Size),
            ReadyAt = publishedAt,
            Files = entries,
        };
    }

    /// <summary>A model whose <paramref name="version"/> downloads while <paramref name="previous"/> (if any) stays usable.</summary>
    public static ModelEntry Downloading(string name, string version, long done, long total, ModelEntry? previous = null) => new()
    {
        Name = name,
        Version = version,
        State = ModelState.Downloading,
        Progress = new ModelProgress(done, total),
        Previous = previous is null ? null : new PreviousVersion(previous.Version, previous.Path!, previous.Files),
    };

    public void WriteInventory(params ModelEntry[] models) =>
        InventoryFile.Write(Layout, new StoreInventory
        {
            Generation = Interlocked.Increment(ref _generation),
            WrittenAt = DateTimeOffset.UtcNow,
            Node = "test-node",
            Models = models,
        });

    public void WriteRawInventory(string content) => File.WriteAllText(Layout.InventoryPath, content);

    public string FilePath(string name, string version, string file) => Path.Combine(Layout.VersionDir(name, version), file);

    /// <summary>Replaces a published (0444) file's content, as disk corruption or a careless person would.</summary>
    public void Overwrite(string name, string version, string file, byte[] content)
    {
        var path = FilePath(name, version, file);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllBytes(path, content);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory must not fail a test that passed.
        }
    }
}
