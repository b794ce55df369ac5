namespace ModelSync.Daemon.HubView;

/// <summary>One repository of the view, <c>hub/models--ORG--NAME/</c>: what each of its three folders must hold.</summary>
/// <param name="Folder">The folder name, as the hub client names it.</param>
/// <param name="Refs">revision → commit, written to <c>refs/&lt;revision&gt;</c>.</param>
/// <param name="Snapshots">commit → (path → etag): <c>snapshots/&lt;commit&gt;/&lt;path&gt;</c> links to <c>blobs/&lt;etag&gt;</c>.</param>
/// <param name="Blobs">etag → the text of the <c>blobs/&lt;etag&gt;</c> link into a version directory.</param>
internal sealed record HubRepoPlan(
    string Folder,
    IReadOnlyDictionary<string, string> Refs,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Snapshots,
    IReadOnlyDictionary<string, string> Blobs);

/// <summary>A published version the view leaves out, and why (an old marker without the git blob ids, a bad source).</summary>
internal sealed record HubViewSkip(string What, string Why);

internal sealed record HubViewPlan(IReadOnlyList<HubRepoPlan> Repos, IReadOnlyList<HubViewSkip> Skipped);
