using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Gc;
using ModelSync.Daemon.Hosting;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Placement;
using ModelSync.Daemon.Sync;
using ModelSync.Store.Layout;
using ModelSync.Store.Signals;
using ModelSync.Store.Text;
using Serilog;
using Log = ModelSync.Daemon.Logging.Log;

namespace ModelSync.Daemon.Cli;

/// <summary><c>sync</c>: reconcile once and exit; the one-time setup Job. SIGTERM/SIGINT stop it at a resumable
/// point (<see cref="StopSignal"/>): resume records and the inventory are flushed, no entry stays
/// <c>Downloading</c>, and the exit code is <see cref="ExitCodes.Stopped"/>.</summary>
internal static class SyncCommand
{
    public static Command Create()
    {
        var manifestOption = CommonOptions.Manifest();
        var logFormat = CommonOptions.LogFormat();
        var logLevel = CommonOptions.LogLevel();
        var node = CommonOptions.Node();
        var command = new Command("sync", "Make the store match the manifest once; exit 0 when every model is Ready.")
        {
            manifestOption, logFormat, logLevel, node,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var stop = new StopSignal();
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct, stop.Token);
            var manifest = CommonOptions.LoadManifest(parse.GetValue(manifestOption)!);
            if (manifest is null)
            {
                return ExitCodes.Usage;
            }

            var givenNode = CommonOptions.GivenNode(parse, node);
            if (PlacementServiceCollectionExtensions.NodeNameProblem(manifest, givenNode) is { } nodeProblem)
            {
                Console.Error.WriteLine(nodeProblem);
                return ExitCodes.Usage;
            }

            using var storeLock = StoreAccess.OpenForWriting(new StoreLayout(manifest.Store.Root));
            if (storeLock is null)
            {
                return ExitCodes.StoreUnusable;
            }

            // On a terminal the live display says what info lines would; warnings still show.
            var terminal = !Console.IsOutputRedirected && !Console.IsErrorRedirected;
            await using var logger = LoggingSetup.Create(parse.GetValue(logFormat), parse.GetValue(logLevel) ?? (terminal ? Serilog.Events.LogEventLevel.Warning : Serilog.Events.LogEventLevel.Information));
            var services = new ServiceCollection()
                .AddLogging(b => b.AddSerilog(logger))
                .AddSyncEngine(manifest, parse.GetValue(node), "sync")
                .AddPlacement(givenNode);
            await using var provider = services.BuildServiceProvider();
            // The lock is ours (StoreAccess above), so the inventory may be read now.
            var lifecycle = provider.GetRequiredService<Func<ModelLifecycle>>()();
            using var heartbeat = lifecycle.StartHeartbeat();
            var reconciler = provider.GetRequiredService<Func<ModelLifecycle, Reconciler>>()(lifecycle);
            var log = provider.GetRequiredService<ILogger<StopSignal>>();
            using var onStop = stop.Token.Register(() => Log.StopRequested(log, stop.Signal.ToString()!));
            var started = TimeProvider.System.GetTimestamp();
            var display = SyncProgressDisplay.Start(lifecycle.Entries, Console.Out, terminal, cancel.Token);
            try
            {
                var placement = provider.GetRequiredService<NodePlacement>();
                lifecycle.OnDemand(manifest);
                var here = await placement.ForThisNodeAsync(manifest, HeldModels.Of(lifecycle, new StoreLayout(manifest.Store.Root)), cancel.Token);
                var result = await reconciler.ReconcileAsync(here, cancel.Token);
                var evicted = OnDemandEviction.Evict(here, new StoreLayout(here.Store.Root), provider.GetRequiredService<OnDemandBook>(), result.Shortfall);
                var kept = evicted.From(here);
                if (result.Shortfall > 0
                    && (provider.GetRequiredService<GarbageCollector>().Collect(new StoreLayout(here.Store.Root), kept, dryRun: false, evicted.StillMissing(result.Shortfall)).Evicted.Count > 0
                        || evicted.Names.Count > 0))
                {
                    here = kept;
                    // Previous versions were evicted for a download that did not fit: one more pass takes the room.
                    result = await reconciler.ReconcileAsync(here, cancel.Token);
                }

                await placement.LabelNodeAsync(here, lifecycle, cancel.Token);
                return result.AllReady ? ExitCodes.Ok : ExitCodes.Failed;
            }
            catch (OperationCanceledException) when (stop.Signal is { } signal)
            {
                Log.SyncStopped(log, signal.ToString(), DurationText.Format(TimeProvider.System.GetElapsedTime(started)));
                return ExitCodes.Stopped(signal);
            }
            finally
            {
                await display.StopAsync();
                lifecycle.Stop();
            }
        });
        return command;
    }
}
