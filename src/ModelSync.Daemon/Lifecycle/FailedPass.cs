using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Lifecycle;

/// <summary>What a pass that left a model short of Ready knows: the entry it was syncing, the version and source
/// it got to (resolved or not), the error, the file it is about and what the failed attempts received.</summary>
internal sealed record FailedPass(
    ModelSpec Spec,
    string Version,
    string? Source,
    long Bytes,
    PreviousVersion? Previous,
    DownloadException Error,
    ResolvedFile? File = null,
    long BytesSpent = 0);
