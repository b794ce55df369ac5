using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Manifest.Directories;
using ModelSync.Daemon.Sources;

namespace ModelSync.Daemon.Hosting;

/// <summary>
/// <see cref="ManifestReloader"/> for <c>--manifest DIR</c>: one look at the directory (at one instant of
/// kubelet's <c>..data</c>, <see cref="DirectoryListing"/>); when anything in it changed, each file is applied
/// against its last good content (<see cref="LastGoodFiles"/>): a bad file keeps its own last good content in
/// force and is named on /status and in the log, the others' changes apply. <c>store.root</c> is held to the
/// startup root; <c>sync.proxy</c> and <c>sync.bandwidthLimit</c> apply at the next restart, as for one file.
/// </summary>
internal sealed partial class ManifestDirectoryReloader
{
    private readonly string _directory;
    private readonly ManifestInForce _inForce;
    private readonly ModelManifest _startup;
    private readonly SourceKinds _kinds;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LastGoodFiles _files;
    private string? _seen;

    public ManifestDirectoryReloader(string directory, ManifestInForce inForce, SourceKinds kinds, TimeProvider time, ILogger logger)
    {
        _directory = directory;
        _inForce = inForce;
        _startup = inForce.Current;
        _kinds = kinds;
        _time = time;
        _logger = logger;
        var set = _startup.FileSet!;
        _files = new LastGoodFiles(set.InForce);
        // The startup read, not a second one: at 1,000 models another parse of every file would stack on the first
        // pass's memory, and an edit landing in between is still seen at the first look.
        _seen = set.ReadFingerprint;
        if (set.HeldBack.Count > 0)
        {
            Reject(set.HeldBack);
        }
    }

    public ReloadOutcome CheckNow()
    {
        var read = DirectoryListing.Read(_directory);
        var fingerprint = read.Fingerprint();
        if (fingerprint == _seen)
        {
            return ReloadOutcome.Unchanged;
        }

        _seen = fingerprint;
        var before = _inForce.Current;
        var outcome = _files.Apply(read, _kinds.Syntax, _startup.Store.Root, before.Models);
        var manifest = outcome.Manifest!; // never null here: the files in force always compose
        foreach (var (model, file) in outcome.Carried)
        {
            Log.ModelKeptForHeldBackFile(_logger, model, file);
        }

        var changed = manifest.ContentSha256 != before.ContentSha256;
        var failure = outcome.Problems.Count == 0 ? null : new ReloadFailure(_time.GetUtcNow(), [.. outcome.Problems.Select(p => p.ToString())]);
        if (changed)
        {
            // One step: the files held back stay on /status without a moment of "no failure" in between.
            if (_inForce.Replace(manifest, _time.GetUtcNow(), RestartSettings.Changed(_startup, manifest, _inForce, _logger, _directory), failure))
            {
                LogHeldBack(outcome.Problems);
            }

            Log.DirectoryReloaded(_logger, _directory, string.Join(", ", outcome.Applied.Select(Path.GetFileName)), manifest.Models.Count);
            return ReloadOutcome.Reloaded;
        }

        if (failure is not null)
        {
            Reject(outcome.Problems);
            return ReloadOutcome.Rejected;
        }

        _inForce.ClearFailure();
        return ReloadOutcome.Unchanged;
    }

    private void Reject(IReadOnlyList<ManifestProblem> problems)
    {
        if (_inForce.Reject(new ReloadFailure(_time.GetUtcNow(), [.. problems.Select(p => p.ToString())])))
        {
            LogHeldBack(problems);
        }
    }

    private void LogHeldBack(IReadOnlyList<ManifestProblem> problems)
    {
        foreach (var problem in problems)
        {
            Log.FileHeldBack(_logger, problem.File, problem.ToString());
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2150, LogLevel.Information, "Manifest directory {Path} changed: applied {Files} (models now in force: {ModelCount})")]
        public static partial void DirectoryReloaded(ILogger logger, string path, string files, int modelCount);

        [LoggerMessage(2151, LogLevel.Error, "Manifest file {File} is held back: its last good content stays in force (none: its models are not in force): {Problem}")]
        public static partial void FileHeldBack(ILogger logger, string file, string problem);

        [LoggerMessage(2152, LogLevel.Warning, "Model {Model} left its file for {File}, which is held back: it stays in force as it was until {File} is good")]
        public static partial void ModelKeptForHeldBackFile(ILogger logger, string model, string file);
    }
}
