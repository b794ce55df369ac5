using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Metrics;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Tests.Metrics;

/// <summary>The store's use as /status shows it: cached, but never past a change of the store.</summary>
public sealed class StoreUsageTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("modelsync-usage-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Read_AfterAPublicationWithinTheCacheTime_CachedUntilInvalidated()
    {
        var usage = new StoreUsage(new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        var store = new StoreSettings { Root = _root };
        var empty = usage.Read(store, inventoryGeneration: 7);
        var dir = new StoreLayout(_root).VersionDir("m", "v1");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "w.bin"), new byte[1000]);

        // The in-memory inventory is Ready before its batched write bumps the generation: same generation here.
        var cached = usage.Read(store, inventoryGeneration: 7);
        usage.Invalidate();
        var fresh = usage.Read(store, inventoryGeneration: 7);

        Assert.Equal(0, empty.BytesUsed);
        Assert.Equal(0, cached.BytesUsed);
        Assert.Equal(1000, fresh.BytesUsed);
    }
}
