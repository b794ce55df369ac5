using ModelSync.Store.Inventory;
using Prometheus;

namespace ModelSync.Daemon.Metrics;

/// <summary>The last completed reconcile pass, as the two gauges about it need it.</summary>
internal sealed record LastPass(DateTimeOffset FinishedAt, bool AllReady);

/// <summary>The manifest reloads, as the metrics about them need them: when the manifest in force was loaded,
/// whether the file on disk is refused now, and how many refusals there were since start.</summary>
internal sealed record ManifestReloads(DateTimeOffset LoadedAt, bool Failing, long Rejections);

/// <summary>
/// The Prometheus metrics of run mode (docs/operations.md lists them), in a registry of their own.
/// Counters and the histogram move as the engine reports (<see cref="ISyncObserver"/>); gauges are
/// refreshed from the inventory, the store and the loop just before each scrape.
/// </summary>
internal sealed class DaemonMetrics : ISyncObserver
{
    private readonly Counter _bytes;
    private readonly Histogram _duration;
    private readonly Counter _retries;
    private readonly Gauge _models;
    private readonly Gauge _storeUsed;
    private readonly Gauge _capacity;
    private readonly Gauge _free;
    private readonly Gauge _lastReconcile;
    private readonly Gauge _lastSuccess;
    private readonly Counter _verifyFailures;
    private readonly Gauge _modelDone;
    private readonly Gauge _modelTotal;
    private readonly Gauge _modelRate;
    private readonly HashSet<string> _progressLabels = new(StringComparer.Ordinal);
    private readonly Counter _failedBytes;
    private readonly Gauge _parked;
    private readonly Gauge _reloadFailed;
    private readonly Counter _reloadFailures;
    private readonly Gauge _manifestLoaded;
    private readonly Gauge _pinned;
    private readonly LiveRates _rates;

    public DaemonMetrics(LiveRates rates)
    {
        _rates = rates;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        var f = Prometheus.Metrics.WithCustomRegistry(Registry);
        _bytes = f.CreateCounter("modelsync_bytes_downloaded_total", "Bytes received from sources and written to staging (re-fetched bytes count again).", ["model"]);
        _duration = f.CreateHistogram("modelsync_download_duration_seconds", "Time from the start of a model version's download to its publish.", ["model"],
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 14) });
        _retries = f.CreateCounter("modelsync_retries_total", "File download attempts that failed and were retried, by failure reason.", ["reason"]);
        _models = f.CreateGauge("modelsync_models", "Models of the inventory by state.", ["state"]);
        _storeUsed = f.CreateGauge("modelsync_store_bytes_used", "Bytes under models/ and staging, as store.capacity counts them.");
        _capacity = f.CreateGauge("modelsync_store_capacity_bytes", "store.capacity of the manifest in force; 0 when unlimited.");
        _free = f.CreateGauge("modelsync_filesystem_free_bytes", "Bytes available on the store's filesystem.");
        _lastReconcile = f.CreateGauge("modelsync_last_reconcile_timestamp_seconds", "Unix time the last completed reconcile pass finished; 0 before the first.");
        _lastSuccess = f.CreateGauge("modelsync_last_reconcile_success", "1 when the last completed reconcile pass left every model Ready, else 0.");
        _verifyFailures = f.CreateCounter("modelsync_verify_failures_total", "Files found damaged or missing by verify/scrub.");
        _modelDone = f.CreateGauge("modelsync_model_bytes_done", "Bytes of the model's wanted version on disk and verified so far (its size once Ready).", ["model"]);
        _modelTotal = f.CreateGauge("modelsync_model_bytes_total", "Bytes of the model's wanted version.", ["model"]);
        _modelRate = f.CreateGauge("modelsync_model_bytes_per_second", "Download rate of the model over the last few seconds; 0 when it is not downloading.", ["model"]);
        _failedBytes = f.CreateCounter("modelsync_failed_download_bytes_total", "Bytes received from sources by passes that left the model Failed: what failures cost.", ["model"]);
        _parked = f.CreateGauge("modelsync_models_parked", "Failed models parked by the failure policy: not fetched again until their manifest entry, their source or an operator's retry changes.");
        _reloadFailed = f.CreateGauge("modelsync_manifest_reload_failed", "1 while the manifest file on disk is refused (not valid, unreadable, or store.root changed) and the last good one stays in force, else 0.");
        _reloadFailures = f.CreateCounter("modelsync_manifest_reload_failures_total", "Manifest reloads refused since start; a file that stays bad across checks counts once.");
        _pinned = f.CreateGauge("modelsync_versions_pinned", "Version directories a pod holds pinned now (docs/store-format.md, \"Pins\"): never removed or evicted.");
        _manifestLoaded = f.CreateGauge("modelsync_manifest_loaded_timestamp_seconds", "Unix time the manifest in force was loaded: at start, or by the last good reload.");
        _reloadFailed.Set(0);
        _reloadFailures.IncTo(0);
        foreach (var state in Enum.GetNames<ModelState>())
        {
            _models.WithLabels(state).Set(0);
        }
    }

    public CollectorRegistry Registry { get; }

    public void BytesReceived(string model, long bytes)
    {
        _bytes.WithLabels(model).Inc(bytes);
        _rates.Add(model, bytes);
    }

    public void Retrying(string model, string reason)
    {
        _retries.WithLabels(reason).Inc();
    }

    public void ModelDownloaded(string model, long bytes, TimeSpan elapsed)
    {
        _duration.WithLabels(model).Observe(elapsed.TotalSeconds);
    }

    public void ModelFailed(string model, long bytesSpent) => _failedBytes.WithLabels(model).Inc(bytesSpent);

    public void VerifyFailures(int files) => _verifyFailures.Inc(files);

    /// <summary>Per model the one progress model (done, total, rate), so a dashboard computes an ETA; a model
    /// that left the inventory loses its series.</summary>
    private void RefreshProgress(StoreInventory inventory)
    {
        lock (_progressLabels)
        {
            RefreshProgressLocked(inventory);
        }
    }

    private void RefreshProgressLocked(StoreInventory inventory)
    {
        foreach (var gone in _progressLabels.Where(n => inventory.Find(n) is null).ToList())
        {
            _modelDone.RemoveLabelled(gone);
            _modelTotal.RemoveLabelled(gone);
            _modelRate.RemoveLabelled(gone);
            _progressLabels.Remove(gone);
        }

        foreach (var m in inventory.Models)
        {
            _progressLabels.Add(m.Name);
            var (done, total) = m.State == ModelState.Ready ? (m.Bytes, m.Bytes) : (m.Progress?.BytesDone ?? 0, m.Progress?.BytesTotal ?? m.Bytes);
            _modelDone.WithLabels(m.Name).Set(done);
            _modelTotal.WithLabels(m.Name).Set(total);
            _modelRate.WithLabels(m.Name).Set(m.State == ModelState.Downloading ? m.Progress?.BytesPerSecond ?? 0 : 0);
        }
    }

    /// <summary>Sets the gauges from a <c>StatusDocument</c>-style read of the daemon.</summary>
    public void Refresh(StoreInventory? inventory, StoreUsageView usage, LastPass? last, ManifestReloads reloads, int pinnedVersions)
    {
        _pinned.Set(pinnedVersions);
        _reloadFailed.Set(reloads.Failing ? 1 : 0);
        _reloadFailures.IncTo(reloads.Rejections);
        _manifestLoaded.Set(reloads.LoadedAt.ToUnixTimeMilliseconds() / 1000.0);

        if (inventory is not null)
        {
            foreach (var state in Enum.GetValues<ModelState>())
            {
                _models.WithLabels(state.ToString()).Set(inventory.Models.Count(m => m.State == state));
            }

            RefreshProgress(inventory);
            _parked.Set(inventory.Models.Count(m => m is { State: ModelState.Failed, Failure.Parked: not null }));
        }

        _storeUsed.Set(usage.BytesUsed);
        _capacity.Set(usage.CapacityBytes ?? 0);
        _free.Set(usage.FilesystemFreeBytes);
        if (last is not null)
        {
            _lastReconcile.Set(last.FinishedAt.ToUnixTimeMilliseconds() / 1000.0);
            _lastSuccess.Set(last.AllReady ? 1 : 0);
        }
    }
}
