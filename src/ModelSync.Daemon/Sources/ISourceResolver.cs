using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources;

/// <summary>
/// What a source kind (<see cref="ISourceKind"/>) resolves with in one pass: turns a manifest model into a
/// <see cref="ResolvedModel"/>, the only thing the engine (plan, reuse or fetch, verify, publish) knows.
/// </summary>
internal interface ISourceResolver
{
    /// <summary>True when this resolver reads <paramref name="model"/>'s source.</summary>
    bool Handles(ModelSpec model);

    /// <summary>What a version resolved from this source records as its <c>source</c> (marker, inventory), or
    /// null for a manifest that lists its files. A version with the same key stays Ready while the source
    /// cannot be asked.</summary>
    string? SourceKey(ModelSpec model);

    /// <summary>The version to record for a model whose resolution failed before naming one.</summary>
    string UnresolvedVersion(ModelSpec model);

    /// <summary>Resolves the version and every file. Throws <see cref="Downloads.DownloadException"/>: a
    /// transient one is retried, then keeps a Ready version of the same source.</summary>
    Task<ResolvedModel> ResolveAsync(ModelSpec model, CancellationToken ct);
}
