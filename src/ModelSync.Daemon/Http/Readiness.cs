using System.Globalization;
using ModelSync.Daemon.Manifest;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Http;

/// <summary>Ready means: every model of the manifest in force is Ready at the manifest's version (for a
/// hub model: at a commit resolved from the manifest's reference).</summary>
internal static class Readiness
{
    /// <summary>Null when ready, else a short text naming what is not.</summary>
    public static string? Check(ModelManifest manifest, StoreInventory? inventory)
    {
        if (inventory is null)
        {
            return "waiting for the store lock";
        }

        var notReady = new List<string>();
        foreach (var model in manifest.Models)
        {
            var entry = inventory.Find(model.Name);
            var wanted = model.SourceKey is not { } key ? entry?.Version == model.Version : entry?.Source == key;
            if (entry is null || !wanted)
            {
                notReady.Add($"{model.Name}@{model.Wanted}: not synced yet");
            }
            else if (entry.State != ModelState.Ready)
            {
                notReady.Add($"{model.Name}@{model.Wanted}: {Describe(entry)}");
            }
        }

        return notReady.Count == 0 ? null : string.Join("; ", notReady);
    }

    private static string Describe(ModelEntry entry) => entry switch
    {
        { State: ModelState.Downloading, Progress: { BytesTotal: > 0 } p } =>
            string.Create(CultureInfo.InvariantCulture, $"Downloading {100.0 * p.BytesDone / p.BytesTotal:0.0}%"),
        { State: ModelState.Failed, Error: { } e } => $"Failed ({e.Reason})",
        _ => entry.State.ToString(),
    };
}
