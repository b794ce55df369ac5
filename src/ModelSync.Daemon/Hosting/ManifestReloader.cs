using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources;

namespace ModelSync.Daemon.Hosting;

internal enum ReloadOutcome
{
    Unchanged,
    Reloaded,
    Rejected,
}

/// <summary>
/// One look at the manifest file: read it (through the ConfigMap's <c>..data</c> symlink, like any
/// reader), compare its content hash with the last one seen, and if it changed, load it. A valid one
/// goes into force; a bad one is logged problem by problem and shown on /status while the last good
/// one stays in force. Settings the engine captured at start (<c>store.root</c>, <c>sync.proxy</c>,
/// <c>sync.bandwidthLimit</c>) are compared with the startup manifest: a changed root is refused
/// (the store cannot move under a running daemon), the others are applied at the next restart and
/// listed as such.
/// </summary>
internal sealed class ManifestReloader
{
    private readonly string _path;
    private readonly ManifestInForce _inForce;
    private readonly ModelManifest _startup;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SourceKinds _kinds;
    private readonly ManifestDirectoryReloader? _directory;
    private string? _seenHash;
    private string? _inForceHash;

    public ManifestReloader(string path, ManifestInForce inForce, SourceKinds kinds, TimeProvider time, ILogger<ManifestReloader> logger)
    {
        _kinds = kinds;
        _path = path;
        _inForce = inForce;
        _startup = inForce.Current;
        _time = time;
        _logger = logger;
        // The bytes the startup manifest came from, not a second read: an edit landing in between is then
        // seen as a change at the first check instead of being taken for what is in force.
        _seenHash = _inForceHash = _startup.ContentSha256;
        _directory = _startup.FileSet is null ? null : new ManifestDirectoryReloader(path, inForce, kinds, time, logger);
    }

    public string Path => _path;

    /// <summary>Where changes show: the manifest directory itself, or the directory of the manifest file (where a
    /// ConfigMap update swaps <c>..data</c>; the file itself never changes).</summary>
    public string WatchedDirectory => _directory is not null ? _path : System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_path))!;

    public ReloadOutcome CheckNow()
    {
        if (_directory is not null)
        {
            return _directory.CheckNow();
        }

        var bytes = TryRead(_path, out var readError);
        if (bytes is null)
        {
            // Mid-swap or deleted: keep what is in force; reconsider whatever appears next.
            _seenHash = null;
            return Reject([new ManifestProblem(_path, 0, 0, "", $"cannot read the manifest: {readError}").ToString()]);
        }

        var hash = ManifestLoader.Sha256Hex(bytes);
        if (hash == _seenHash)
        {
            return ReloadOutcome.Unchanged;
        }

        _seenHash = hash;
        if (hash == _inForceHash)
        {
            _inForce.ClearFailure();
            return ReloadOutcome.Unchanged;
        }

        var result = ManifestLoader.LoadFromBytes(bytes, _path, _kinds.Syntax);
        if (result.Manifest is not { } manifest)
        {
            return Reject([.. result.Problems.Select(p => p.ToString())]);
        }

        if (manifest.Store.Root != _startup.Store.Root)
        {
            return Reject([$"{_path}: store.root: changed from {_startup.Store.Root} to {manifest.Store.Root}; the store cannot move under a running daemon: restart it to use the new root"]);
        }

        var restart = RestartSettings.Changed(_startup, manifest, _inForce, _logger, _path);

        _inForceHash = hash;
        _inForce.Replace(manifest, _time.GetUtcNow(), restart);
        Log.ManifestReloaded(_logger, _path, manifest.Models.Count);
        return ReloadOutcome.Reloaded;
    }

    private ReloadOutcome Reject(IReadOnlyList<string> problems)
    {
        if (_inForce.Reject(new ReloadFailure(_time.GetUtcNow(), problems)))
        {
            foreach (var problem in problems)
            {
                Log.ManifestReloadProblem(_logger, _path, problem);
            }
        }

        return ReloadOutcome.Rejected;
    }

    private static byte[]? TryRead(string path, out string? error)
    {
        try
        {
            error = null;
            return ManifestLoader.ReadBounded(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = ex.Message;
            return null;
        }
    }
}
