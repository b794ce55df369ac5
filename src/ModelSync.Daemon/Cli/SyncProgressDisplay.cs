using ModelSync.Daemon.Inventory;
using ModelSync.Store.Inventory;
using ModelSync.Store.Text;

namespace ModelSync.Daemon.Cli;

/// <summary>
/// What <c>sync</c> shows while it works, read from the live inventory (the one progress model). On a
/// terminal: a block of one line per model that downloaded in this run, redrawn in place every
/// <see cref="TerminalEvery"/> (as <c>ollama pull</c> and huggingface_hub draw theirs). On a pipe (a Job's
/// log): one line every <see cref="PipeEvery"/> while something downloads, nothing when nothing does.
/// </summary>
internal sealed class SyncProgressDisplay
{
    public static readonly TimeSpan TerminalEvery = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan PipeEvery = TimeSpan.FromSeconds(5);
    private const int BarWidth = 24;

    private readonly IInventoryReader _inventory;
    private readonly TextWriter _output;
    private readonly bool _terminal;
    private readonly List<string> _shown = [];
    private readonly CancellationTokenSource _stop;
    private Task _loop = Task.CompletedTask;
    private int _drawn;

    private SyncProgressDisplay(IInventoryReader inventory, TextWriter output, bool terminal, CancellationToken ct)
    {
        (_inventory, _output, _terminal) = (inventory, output, terminal);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
    }

    public static SyncProgressDisplay Start(IInventoryReader inventory, TextWriter output, bool terminal, CancellationToken ct)
    {
        var display = new SyncProgressDisplay(inventory, output, terminal, ct);
        display._loop = display.RunAsync();
        return display;
    }

    /// <summary>Stops the loop; a terminal gets its last frame, so the block ends on each model's outcome.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        if (_terminal)
        {
            Draw(_inventory.Snapshot());
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(_terminal ? TerminalEvery : PipeEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Draw(_inventory.Snapshot());
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Draw(StoreInventory inventory)
    {
        foreach (var m in inventory.Models.Where(m => m.State == ModelState.Downloading && !_shown.Contains(m.Name)))
        {
            _shown.Add(m.Name);
        }

        if (!_terminal)
        {
            var active = inventory.Models.Where(m => m is { State: ModelState.Downloading, Progress: not null }).ToList();
            if (active.Count > 0)
            {
                _output.WriteLine("progress: " + string.Join("; ", active.Select(m => $"{m.Name}@{m.Version} {ProgressText.Line(m.Progress!)}")));
                _output.Flush();
            }

            return;
        }

        var lines = _shown.Select(inventory.Find).OfType<ModelEntry>().Select(Line).ToList();
        // Back to the first line of the last frame, then every line cleared and rewritten.
        var frame = (_drawn > 0 ? $"\u001b[{_drawn}F" : "") + string.Concat(lines.Select(l => "\u001b[2K" + l + "\n"));
        _output.Write(frame);
        _output.Flush();
        _drawn = lines.Count;
    }

    private static string Line(ModelEntry m)
    {
        var label = $"{m.Name}@{m.Version}";
        return m switch
        {
            { State: ModelState.Ready } => $"{label}  ready, {ByteText.Format(m.Bytes)}",
            { State: ModelState.Failed, Error: { } e } => $"{label}  failed: {e.Reason}: {e.Message}",
            { Progress: { } p } => $"{label}  {Bar(p)} {ProgressText.Line(p)}",
            _ => $"{label}  {m.State.ToString().ToLowerInvariant()}",
        };
    }

    private static string Bar(ModelProgress p)
    {
        var filled = p.BytesTotal > 0 ? (int)Math.Clamp(p.BytesDone * BarWidth / p.BytesTotal, 0, BarWidth) : 0;
        return "[" + new string('#', filled) + new string('.', BarWidth - filled) + "]";
    }
}
