using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Content;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Sources;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Sync;

/// <summary>
/// One model from its resolved files to a published version: plan (which content this node already holds),
/// reserve room for the rest, then per file reuse a stored copy or fetch it, each verified, then publish.
/// A repair or a version bump therefore fetches only the files whose content is not here intact.
/// </summary>
internal sealed class ModelDownload(SyncEngine engine, ResolvedModel model)
{
    private readonly ILogger _logger = engine.Loggers.CreateLogger<ModelDownload>();
    private readonly string _staging = engine.Layout.StagingDir(model.Name, model.Version);
    private readonly string _resumeDir = engine.Layout.ResumeDir(model.Name, model.Version);
    private readonly ModelProgressTracker _progress = new(engine.Lifecycle, model.Name, model.TotalBytes, engine.Time);
    // Attempts made at this model's files in this pass: a retry records how many have failed so far, and the
    // final failure counts one more (ModelEntries.Failed), so 5 attempts read "after 5 attempts", not 6.
    private int _attempts;

    /// <summary>The signature the files must match before they are published; null when none is asked for.</summary>
    public Signatures.SignedModel? Signed { get; init; }

    /// <summary>As <see cref="ModelProgressTracker.Received"/>.</summary>
    public long BytesReceived => _progress.Received;

    public async Task<ModelMarker> RunAsync(CapacityGuard capacity, PreviousVersion? previous, CancellationToken ct)
    {
        var (layout, lifecycle, time) = (engine.Layout, engine.Lifecycle, engine.Time);
        var started = time.GetTimestamp();
        lifecycle.Planned(model.Name, model.Version, model.Source, model.TotalBytes, previous);
        var index = engine.Store.Content; // built once per pass, kept current as it publishes
        var plan = model.Files.Select(f => new PlannedFile(f, index.Find(f.Spec))).ToList();
        var toFetch = plan.Where(p => p.Copies.Count == 0).ToList();
        var fetchBytes = toFetch.Sum(p => p.File.Spec.Size);
        using var reservation = capacity.TryReserve(new CapacityNeed(model.Name, fetchBytes, [.. toFetch.Select(p => Target(p.File))]), out var noRoom)
            ?? throw new DownloadException(FailureReason.InsufficientCapacity, noRoom!, transient: false);

        if (model.BeforeFetch is { } check)
        {
            await RetryPipelineFactory.Create(engine.Sync.Retry, time, _ => default).ExecuteAsync(async c => await check(c), ct);
        }

        PrepareStaging();
        Log.ModelPlanned(_logger, model.Name, model.Version, plan.Count - toFetch.Count, plan.Count, model.TotalBytes - fetchBytes, toFetch.Count, fetchBytes);
        Log.ModelDownloading(_logger, model.Name, model.Version, toFetch.Count, fetchBytes);
        var fetches = toFetch.ToDictionary(p => p, p => new FileFetch(engine, model, p.File, Target(p.File), _resumeDir, _progress));
        lifecycle.Downloading(model.Name, model.Version, new ModelProgress(_progress.Done, model.TotalBytes));

        var entries = new FileEntry[plan.Count];
        var inFlight = FilesInFlight.For([.. plan.Select(p => p.File.Spec)], engine.Sync);
        Log.FilesInFlight(_logger, model.Name, model.Version, inFlight, plan.Count);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, plan.Count),
            new ParallelOptions { MaxDegreeOfParallelism = inFlight, CancellationToken = ct },
            async (i, c) => entries[i] = await SupplyAsync(plan[i], fetches.GetValueOrDefault(plan[i]), c));

        // Tar layers (oci://) become the files they hold; every other file is published as fetched.
        IReadOnlyList<FileEntry> files = model.HasArchives
            ? await Task.Run(() => ArchiveUnpacker.Unpack(_staging, [.. plan.Select((p, i) => (p.File, entries[i]))], ct), ct)
            : entries;
        if (model.HasArchives)
        {
            Sources.Oci.OciLog.LayersUnpacked(_logger, model.Name, model.Version, model.Files.Count(f => f.Unpack is not null), files.Count, files.Sum(f => f.Size));
        }
        if (Signed is { } signed)
        {
            files = signed.Check(files);
            Signatures.SignatureLog.Verified(_logger, model.Name, model.Version, signed.Record.Signer, files.Count, signed.Record.SignedFiles, signed.Record.Ignored.Count);
        }

        var marker = Publisher.Publish(layout, model, files, time.GetUtcNow(), lifecycle.VersionWrites, Signed?.Record, Signed?.Bundle);
        engine.Store.Published(marker);
        Directory.Delete(_resumeDir, recursive: true);
        lifecycle.Published(marker, time.GetElapsedTime(started));
        return marker;
    }

    private string Target(ResolvedFile file) => Path.Combine(_staging, file.Spec.Path);

    private void PrepareStaging()
    {
        foreach (var dir in (string[])[_staging, _resumeDir])
        {
            // Downloads are written below here: no link planted on the way may take them out of the store.
            var relative = Path.GetRelativePath(engine.Layout.Root, dir);
            if (SafePath.Resolve(engine.Layout.Root, relative, out var problem) is null)
            {
                throw new DownloadException(FailureReason.StorageError, $"staging {relative}: {problem}; remove it to download", transient: false);
            }
        }

        Directory.CreateDirectory(_staging);
        Directory.CreateDirectory(_resumeDir);
    }

    private async Task<FileEntry> SupplyAsync(PlannedFile planned, FileFetch? fetch, CancellationToken ct)
    {
        var target = Target(planned.File);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        foreach (var copy in planned.Copies)
        {
            if (await Task.Run(() => Reuse(copy, planned.File, target, ct), ct) is { } entry)
            {
                _progress.Add(entry.Size);
                return entry;
            }
        }

        fetch ??= new FileFetch(engine, model, planned.File, target, _resumeDir, _progress);
        return await fetch.RunAsync(() => Interlocked.Increment(ref _attempts), ct);
    }

    private FileEntry? Reuse(StoredFile copy, ResolvedFile file, string target, CancellationToken ct)
    {
        // The resume record goes first: beside a hard link it would let a later attempt write into a published inode.
        TreeRemover.Remove(FileFetch.StatePath(_resumeDir, file));
        var from = $"{copy.Model}@{copy.Version}/{copy.Entry.Path}";
        Reuse reuse;
        try
        {
            reuse = LocalCopy.Place(copy, file.Spec, target, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && !DiskFull.Caused(ex))
        {
            // Gone, unreadable, or an I/O error: this copy cannot serve; another may, or the source.
            TreeRemover.Remove(target);
            reuse = new Reuse(null, PlacedBy.HardLink, Unusable: ex.Message);
        }

        if (reuse.Entry is not null)
        {
            Log.FileReused(_logger, model.Name, file.Spec.Path, from, reuse.How.ToString());
            return reuse.Entry;
        }

        if (reuse.Damage is null)
        {
            Log.ReuseSkipped(_logger, model.Name, file.Spec.Path, from, reuse.Unusable!);
            return null;
        }

        // A salvaged copy vouched for nothing; a published one is condemned with every version sharing the damage.
        var condemned = copy.Vouched
            ? Condemner.Condemn(engine.Layout, engine.Lifecycle, copy.Model, copy.Version, copy.PublishedAt, [new Damage(copy.Entry.Path, reuse.Damage)], engine.Time.GetUtcNow(), ct)
            : [];
        engine.Store.Reread(condemned);
        Log.ReuseRejected(_logger, model.Name, file.Spec.Path, from, reuse.Damage, condemned.Count == 0 ? "nothing" : string.Join(", ", condemned));
        return null;
    }

    private sealed record PlannedFile(ResolvedFile File, IReadOnlyList<StoredFile> Copies);
}
