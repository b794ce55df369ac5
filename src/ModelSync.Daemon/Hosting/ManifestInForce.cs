using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Hosting;

/// <summary>What the last reload attempt found wrong, kept until a good manifest is read.</summary>
internal sealed record ReloadFailure(DateTimeOffset At, IReadOnlyList<string> Problems);

/// <summary>Everything <see cref="ManifestInForce"/> knows, read at one instant.</summary>
/// <param name="Rejections">Reloads refused since start, each bad content counted once (see <see cref="ManifestInForce.Reject"/>).</param>
internal sealed record ManifestState(ModelManifest Manifest, DateTimeOffset LoadedAt, ReloadFailure? LastFailure, IReadOnlyList<string> RestartRequired, long Rejections = 0);

/// <summary>
/// The manifest the daemon works from: the one loaded at start, replaced only by a valid reload.
/// Also carries what /status shows about reloads: the problems of the last bad one and the settings
/// that changed but only take effect after a restart.
/// </summary>
internal sealed class ManifestInForce
{
    private readonly Lock _lock = new();
    private ModelManifest _manifest;
    private DateTimeOffset _loadedAt;
    private ReloadFailure? _lastFailure;
    private IReadOnlyList<string> _restartRequired = [];
    private long _rejections;

    public ManifestInForce(ModelManifest manifest, DateTimeOffset loadedAt)
    {
        _manifest = manifest;
        _loadedAt = loadedAt;
    }

    public ModelManifest Current
    {
        get
        {
            lock (_lock)
            {
                return _manifest;
            }
        }
    }

    /// <summary>Problems of the newest manifest on disk when it is bad; null when the file in force is the file on disk.</summary>
    public ReloadFailure? LastFailure
    {
        get
        {
            lock (_lock)
            {
                return _lastFailure;
            }
        }
    }

    public IReadOnlyList<string> RestartRequired
    {
        get
        {
            lock (_lock)
            {
                return _restartRequired;
            }
        }
    }

    /// <summary>All of it under one lock, so a document built from it never mixes two reloads.</summary>
    public ManifestState Snapshot()
    {
        lock (_lock)
        {
            return new ManifestState(_manifest, _loadedAt, _lastFailure, _restartRequired, _rejections);
        }
    }

    /// <summary>Raised after a new manifest is in force (on the reloading thread).</summary>
    public event Action<ModelManifest>? Changed;

    /// <param name="heldBack">For a manifest directory: the problems of the files held back while the rest applied
    /// (null: none), recorded as by <see cref="Reject"/> in the same step. True when they are news.</param>
    public bool Replace(ModelManifest manifest, DateTimeOffset at, IReadOnlyList<string> restartRequired, ReloadFailure? heldBack = null)
    {
        bool news;
        lock (_lock)
        {
            _manifest = manifest;
            _loadedAt = at;
            news = heldBack is not null && Record(heldBack);
            _lastFailure = heldBack;
            _restartRequired = restartRequired;
        }

        Changed?.Invoke(manifest);
        return news;
    }

    /// <summary>Records a refused reload. True when its problems are news (the last check found none, or
    /// others): the caller logs them, and <see cref="ManifestState.Rejections"/> counts it; a file that stays
    /// bad (or unreadable) across polls is one rejection, not one per poll.</summary>
    public bool Reject(ReloadFailure failure)
    {
        lock (_lock)
        {
            return Record(failure);
        }
    }

    private bool Record(ReloadFailure failure)
    {
        var news = _lastFailure is null || !_lastFailure.Problems.SequenceEqual(failure.Problems, StringComparer.Ordinal);
        _lastFailure = failure;
        if (news)
        {
            _rejections++;
        }

        return news;
    }

    /// <summary>The file went back to the content in force (someone reverted a bad edit).</summary>
    public void ClearFailure()
    {
        lock (_lock)
        {
            _lastFailure = null;
        }
    }
}
