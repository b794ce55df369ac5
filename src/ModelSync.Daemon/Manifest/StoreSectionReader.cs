using ModelSync.Daemon.Manifest.Yaml;
using ModelSync.Store.Text;

namespace ModelSync.Daemon.Manifest;

/// <summary>The <c>store:</c> section.</summary>
internal static class StoreSectionReader
{
    public static StoreSettings Read(MappingReader? m)
    {
        if (m is null)
        {
            return new StoreSettings { Root = ManifestDefaults.Root };
        }

        var root = m.String("root");
        if (root is not null && !IsAbsolute(root))
        {
            m.Problems.Add(m.Get("root")!, m.Field("root"), $"must be an absolute path, got '{root}'");
        }

        var capacity = m.Size("capacity", min: 1);
        var reserve = m.Reserve("reserve");
        var keep = m.Int("keepVersions", 0, int.MaxValue);
        var pinGrace = m.Duration("pinGrace", positive: false);
        var onDemand = m.Size("onDemandCapacity", min: 1);
        if (capacity is { } cap && onDemand is { } od && od > cap)
        {
            m.Problems.Add(m.Get("onDemandCapacity")!, m.Field("onDemandCapacity"),
                $"must be at most store.capacity ({ByteText.Format(cap)}), got {ByteText.Format(od)}");
        }
        // Only when both are written: the default reserve says nothing about what the author meant.
        if (capacity is { } c && reserve is { IsPercent: false, Bytes: var r } && c <= r)
        {
            m.Problems.Add(m.Get("capacity")!, m.Field("capacity"),
                $"must be larger than store.reserve ({ByteText.Format(r)}), got {ByteText.Format(c)}");
        }

        m.ReportUnknownKeys();
        return new StoreSettings
        {
            Root = root ?? ManifestDefaults.Root,
            Capacity = capacity,
            Reserve = reserve ?? ManifestDefaults.Reserve,
            KeepVersions = keep ?? ManifestDefaults.KeepVersions,
            PinGrace = pinGrace ?? ManifestDefaults.PinGrace,
            OnDemandCapacity = onDemand,
        };
    }

    internal static bool IsAbsolute(string path) => path.StartsWith('/') && Path.IsPathFullyQualified(path);
}
