using ModelSync.Daemon.Manifest.Yaml;
using ModelSync.Store.Text;

namespace ModelSync.Daemon.Manifest;

/// <summary>The <c>sync:</c> section, with its nested <c>retry:</c>.</summary>
internal static class SyncSectionReader
{
    public const int MaxConcurrency = 64;
    public const int MaxSegmentsPerFile = 32;

    /// <summary>The last shared key: a kind's own keys are read after it unless the kind says otherwise.</summary>
    public const string LastSharedKey = "allowedFileRoots";

    /// <summary>The shared keys, then each kind's own (<see cref="ISourceSyntax.ReadSettings"/>) after the shared key it
    /// names, so every key is read, and listed by "expected one of", in one fixed order.</summary>
    public static SyncSettings Read(MappingReader? m, IReadOnlyList<ISourceSyntax> kinds)
    {
        if (m is null)
        {
            return new SyncSettings();
        }

        var sources = new List<SourceSettings>();
        var settings = new SyncSettings
        {
            Interval = m.Duration("interval", positive: true) ?? ManifestDefaults.Interval,
            Concurrency = m.Int("concurrency", 1, MaxConcurrency) ?? ManifestDefaults.Concurrency,
            Retry = ReadRetry(m.Mapping("retry")),
            StallTimeout = m.Duration("stallTimeout", positive: true) ?? ManifestDefaults.StallTimeout,
            BandwidthLimit = m.Size("bandwidthLimit") ?? 0,
            Proxy = ReadUrl(m, "proxy"),
        };
        ReadKinds(m, kinds.Where(k => k.SettingsAfter == "proxy"), sources);
        settings = settings with
        {
            // 0 and absent both mean off, so a ConfigMap can switch it off without deleting the key.
            VerifyInterval = m.Duration("verifyInterval", positive: false) is { } v && v > TimeSpan.Zero ? v : null,
            SegmentSize = m.Size("segmentSize", min: ManifestDefaults.MinSegmentSize) ?? ManifestDefaults.SegmentSize,
            SegmentsPerFile = m.Int("segmentsPerFile", 1, MaxSegmentsPerFile) ?? ManifestDefaults.SegmentsPerFile,
            AllowedFileRoots = ReadFileRoots(m),
            RequireSignatures = ReadBool(m, "requireSignatures") ?? false,
        };
        ReadKinds(m, kinds.Where(k => k.SettingsAfter != "proxy"), sources);
        m.ReportUnknownKeys();
        return settings with { Sources = sources };
    }

    private static void ReadKinds(MappingReader m, IEnumerable<ISourceSyntax> kinds, List<SourceSettings> into)
    {
        foreach (var kind in kinds)
        {
            if (kind.ReadSettings(m) is { } settings)
            {
                into.Add(settings);
            }
        }
    }

    private static RetrySettings ReadRetry(MappingReader? m)
    {
        if (m is null)
        {
            return new RetrySettings();
        }

        var maxAttempts = m.Int("maxAttempts", 1, int.MaxValue);
        var baseDelay = m.Duration("baseDelay", positive: false);
        var maxDelay = m.Duration("maxDelay", positive: false);
        var effectiveBase = baseDelay ?? ManifestDefaults.BaseDelay;
        var effectiveMax = maxDelay ?? ManifestDefaults.MaxDelay;
        if (effectiveBase > effectiveMax && (baseDelay is not null || maxDelay is not null))
        {
            var at = baseDelay is not null ? "baseDelay" : "maxDelay";
            m.Problems.Add(m.Get(at)!, m.Field("baseDelay"),
                $"must not exceed {m.Field("maxDelay")} ({DurationText.Format(effectiveMax)}), got {DurationText.Format(effectiveBase)}");
        }

        m.ReportUnknownKeys();
        return new RetrySettings
        {
            MaxAttempts = maxAttempts ?? ManifestDefaults.MaxAttempts,
            BaseDelay = effectiveBase,
            MaxDelay = effectiveMax,
        };
    }

    private static List<string> ReadFileRoots(MappingReader m)
    {
        var roots = new List<string>();
        foreach (var (node, text) in m.StringList("allowedFileRoots") ?? [])
        {
            if (!StoreSectionReader.IsAbsolute(text) || text.Split('/').Contains(".."))
            {
                m.Problems.Add(node, m.Field("allowedFileRoots"), $"must be absolute paths without '..', got '{text}'");
                continue;
            }

            roots.Add(FileRoots.Normalize(text));
        }

        return roots;
    }

    private static bool? ReadBool(MappingReader m, string key)
    {
        var text = m.String(key);
        if (text is not null and not ("true" or "false"))
        {
            m.Problems.Add(m.Get(key)!, m.Field(key), $"must be true or false, got '{text}'");
        }

        return text is null ? null : text == "true";
    }

    /// <summary>An http(s) URL setting: <c>proxy</c>, or one of a source kind's (an endpoint).</summary>
    public static Uri? ReadUrl(MappingReader m, string key)
    {
        if (m.String(key) is not { Length: > 0 } text)
        {
            return null;
        }

        var problem = SourceUrl.Check(text, out var uri, proxy: true);
        if (problem is not null)
        {
            m.Problems.Add(m.Get(key)!, m.Field(key), problem);
        }

        return uri;
    }
}
