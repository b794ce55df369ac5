namespace ModelSync.Store.Layout;

/// <summary>
/// The on-disk layout of a model store. Every path any part of ModelSync touches is derived here,
/// so the daemon (writer) and the gate (reader) cannot disagree about where things are.
/// </summary>
public sealed class StoreLayout
{
    public const string InventoryFileName = "inventory.json";
    public const string MarkerFileName = ".modelsync.json";

    /// <summary>What a condemned version's marker becomes: the files not found damaged, which a repair may
    /// reuse after re-hashing them. It vouches for nothing: without <see cref="MarkerFileName"/> the version is
    /// not published.</summary>
    /// <summary>The OMS signature bundle a signed version was verified with, kept beside its marker.</summary>
    public const string SignatureFileName = ".modelsync.sig";

    public const string SalvageFileName = ".modelsync.salvage.json";

    /// <summary>Why a model file may not have <paramref name="path"/> (relative to its version), or null: names
    /// starting with <c>.modelsync</c> at the top of a version are the store's own (marker, salvage list).</summary>
    public static string? ReservedProblem(string path) =>
        path.Split('/')[0].StartsWith(".modelsync", StringComparison.Ordinal)
            ? $"'{path}' is reserved for the store's own files ({MarkerFileName}, {SalvageFileName})"
            : null;

    /// <summary>Suffix of a staging version's resume records directory.</summary>
    public const string ResumeSuffix = ".resume";
    public const string ModelsDirName = "models";
    public const string CurrentDirName = "current";
    public const string StateDirName = ".modelsync";

    /// <summary>The Hugging Face cache view of the <c>hf://</c> models (docs/store-format.md, "The hub view").</summary>
    public const string HubDirName = "hub";

    public StoreLayout(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        // Without the trailing separator, so messages and reports show one spelling of the root.
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    }

    public string Root { get; }

    public string InventoryPath => Path.Combine(Root, InventoryFileName);

    public string ModelsDir => Path.Combine(Root, ModelsDirName);

    public string CurrentDir => Path.Combine(Root, CurrentDirName);

    public string StateDir => Path.Combine(Root, StateDirName);

    /// <summary><c>hub/</c>: links only, derived from the published versions; a pod's <c>HF_HUB_CACHE</c>.</summary>
    public string HubDir => Path.Combine(Root, HubDirName);

    public string StagingRoot => Path.Combine(StateDir, "staging");

    public string LockPath => Path.Combine(StateDir, "lock");

    /// <summary>The writer's heartbeat and download progress, rewritten every few seconds (<c>LiveFile</c>).</summary>
    public string LivePath => Path.Combine(StateDir, "live.json");

    /// <summary>Where <c>run</c> answers live verify/gc/retry: a directory only its owner may enter (0700).</summary>
    public string ControlDir => Path.Combine(StateDir, "control");

    /// <summary>The unix socket of the running daemon's control channel (docs/operations.md, "Live operations").</summary>
    public string ControlSocketPath => Path.Combine(ControlDir, "daemon.sock");

    /// <summary>Where pods ask the running daemon for on-demand models (docs/store-format.md, "Requests"): any uid
    /// may connect, through a read-only mount; it is not <see cref="ControlSocketPath"/>.</summary>
    public string RequestSocketPath => Path.Combine(StateDir, "request.sock");

    /// <summary>The on-demand models' requests and last use, kept across restarts (docs/store-format.md, "Requests").</summary>
    public string OnDemandPath => Path.Combine(StateDir, "on-demand.json");

    /// <summary>Where replaced or collected versions wait for deletion: one rename away from <c>models/</c>.</summary>
    public string TrashDir => Path.Combine(StateDir, "trash");

    /// <summary>Where a version's replaced copy is parked (<c>trash/&lt;name&gt;+&lt;version&gt;+&lt;id&gt;</c>; '+' is in
    /// neither a name nor a version), so GC can tell whose copy a pinned trash entry is.</summary>
    public string ParkedCopy(string name, string version) => Path.Combine(TrashDir, $"{name}+{version}+{Guid.NewGuid():N}");

    /// <summary>The model and version a trash entry named by <see cref="ParkedCopy"/> was; null for any other entry.</summary>
    public static (string Name, string Version)? ParkedCopyOf(string trashEntry) =>
        trashEntry.Split('+') is [var name, var version, { Length: > 0 }] && name.Length > 0 && version.Length > 0 ? (name, version) : null;

    public string ModelDir(string name) => Path.Combine(ModelsDir, name);

    public string VersionDir(string name, string version) => Path.Combine(ModelsDir, name, version);

    /// <summary>The relative path stored in the inventory, e.g. <c>models/finbert/2024-06</c>.</summary>
    public static string VersionRelativePath(string name, string version) => $"{ModelsDirName}/{name}/{version}";

    public string MarkerPath(string name, string version) => Path.Combine(VersionDir(name, version), MarkerFileName);

    public string CurrentLink(string name) => Path.Combine(CurrentDir, name);

    /// <summary>Target of <c>current/&lt;name&gt;</c>: relative, so the store can be mounted anywhere.</summary>
    public static string CurrentLinkTarget(string name, string version) => $"../{ModelsDirName}/{name}/{version}";

    public string StagingDir(string name, string version) => Path.Combine(StagingRoot, name, version);

    /// <summary>Resume records of the files staged for a version, beside its staging directory.</summary>
    public string ResumeDir(string name, string version) => StagingDir(name, version) + ResumeSuffix;
}
