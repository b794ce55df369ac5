using System.CommandLine;
using System.Text.Json;
using System.Text;
using ModelSync.Daemon.Gc;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Placement;
using ModelSync.Daemon.Sync;
using ModelSync.Daemon.Walk;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;
using ModelSync.Store.Text;

namespace ModelSync.Daemon.Cli;

/// <summary><c>status</c>: the inventory as a table (or JSON). Reads only; needs no lock.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var manifestOption = CommonOptions.Manifest();
        var rootOption = CommonOptions.Root();
        var json = CommonOptions.Json();
        var command = new Command("status", "Show every model's state, version, size, progress and error.") { manifestOption, rootOption, json };
        command.SetAction(parse =>
        {
            var root = parse.GetValue(rootOption) ?? CommonOptions.LoadManifest(parse.GetValue(manifestOption)!, leaveOutBadFiles: true)?.Store.Root;
            if (root is null)
            {
                return ExitCodes.Usage;
            }

            var layout = new StoreLayout(root);
            var read = InventoryFile.Read(layout, quick: false, parse.GetValue(json) ? null : InventoryWithoutFiles.TypeInfo());
            if (read.Inventory is not { } inventory)
            {
                Console.Error.WriteLine(read.Error);
                return ExitCodes.StoreUnusable;
            }

            if (parse.GetValue(json))
            {
                Console.Out.Write(JsonSerializer.Serialize(inventory, StoreJsonContext.Default.StoreInventory) + "\n");
            }
            else
            {
                // One walk for the bytes, the versions and their pins (issue 33).
                var look = StoreWalk.Take(layout, countBytes: true, probePins: true);
                Console.Out.Write(Table(inventory, WriterCheck.Check(layout, inventory, DateTimeOffset.UtcNow)) + OnDisk(look, inventory)
                    + (PlacementView.Read(layout)?.Text() ?? "") + Versions(layout, look));
            }

            return inventory.Models.All(m => m.State == ModelState.Ready) ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    /// <summary>What the store takes on disk, every shared file once, beside what the models list.</summary>
    private static string OnDisk(StoreLook look, StoreInventory inventory)
    {
        var listed = inventory.Models.Where(m => m.State == ModelState.Ready).Sum(m => m.Bytes);
        return $"store on disk {ByteText.Format(look.Bytes)} (files shared between versions counted once); ready models list {ByteText.Format(listed)}\n";
    }

    /// <summary>Versions other than a plain current one: previous ones and those pods pin (docs/operations.md, "Pins in status").</summary>
    private static string Versions(StoreLayout layout, StoreLook look)
    {
        var versions = VersionsOnDisk.From(layout, look, _ => null, DateTimeOffset.UtcNow, markers: null, everyPublishedAt: false);
        var lines = new StringBuilder($"versions on disk {versions.Count}, pinned by pods {versions.Count(v => v.Pinned)}\n");
        foreach (var v in versions.Where(v => v.Pinned || !v.Current).OrderByDescending(v => v.Pinned).ThenBy(v => v.Model, StringComparer.Ordinal))
        {
            var used = v.Pinned || v.LastUsed is null ? "" : $", last used {WriterCheck.Iso(v.LastUsed.Value)}";
            lines.Append($"  {v.Model} {v.Version}: {(v.Pinned ? "pinned, " : "")}{(v.Current ? "current" : "previous")}{used}\n");
        }

        return lines.ToString();
    }

    /// <summary>Attempts made so far; none for a model found damaged on disk (Corrupted), which was not fetched.</summary>
    internal static string AfterAttempts(int attempts) => attempts > 0 ? $" (after {CountText.Of(attempts, "attempt")})" : "";

    /// <summary>The table; a model its writer no longer moves says so in STATE (<c>Downloading (writer gone)</c>),
    /// and the writer line under it says who wrote the inventory and whether it is still there.</summary>
    public static string Table(StoreInventory inventory, WriterStatus writer)
    {
        var rows = new List<string[]> { new[] { "MODEL", "VERSION", "STATE", "SIZE", "PROGRESS", "RATE", "ETA", "ERROR" } };
        rows.AddRange(inventory.Models.Select(m => new[]
        {
            m.Name,
            m.Version,
            m.State == ModelState.Downloading && writer.Frozen ? $"Downloading (writer {writer.Liveness.ToString().ToLowerInvariant()})" : m.State.ToString(),
            ByteText.Format(m.Bytes),
            m.Progress is { BytesTotal: > 0 } p ? ProgressText.Percent(p) : "-",
            m.State == ModelState.Downloading && !writer.Frozen ? ProgressText.Rate(m.Progress) : "-",
            m.State == ModelState.Downloading && !writer.Frozen ? ProgressText.Eta(m.Progress) : "-",
            m.Error is { } e ? $"{e.Reason}: {e.Message}{(e.File is null || e.Message.Contains(e.File, StringComparison.Ordinal) ? "" : $" [{e.File}]")}{AfterAttempts(e.Attempts)}{PolicyText(m)}" : "-",
        }));
        var widths = Enumerable.Range(0, 8).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var lines = rows.Select(r => string.Join("  ", r.Select((c, i) => i == r.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd());
        return string.Join('\n', lines) + $"\ngeneration {inventory.Generation}, written {inventory.WrittenAt:u} on {inventory.Node ?? "?"}\n"
            + $"writer: {writer.Text}{(writer.Frozen && inventory.Models.Any(m => m.State == ModelState.Downloading) ? "; nothing moves the Downloading models until a daemon runs again" : "")}\n"
            + FailureSummary(inventory)
            + string.Concat(inventory.Models.Where(m => m.Signature is not null).Select(m => $"{m.Name} {m.Version}: {SignatureText.Of(m.Signature!)}\n"));
    }

    /// <summary>What the failure policy holds a Failed model to (docs/daemon.md, "Failure policy"), as the page says it too.</summary>
    private static string PolicyText(ModelEntry m) =>
        FailureText.Of(m, t => t.ToString("u", System.Globalization.CultureInfo.InvariantCulture)) is { } text ? " — " + text : "";

    private static string FailureSummary(StoreInventory inventory)
    {
        var failing = inventory.Models.Where(m => m is { State: ModelState.Failed, Failure: not null }).ToList();
        return failing.Count == 0 ? "" :
            $"parked {failing.Count(m => m.Failure!.Parked is not null)} of {failing.Count} failing models; {ByteText.Format(failing.Sum(m => m.Failure!.BytesSpent))} spent on failed passes\n";
    }
}
