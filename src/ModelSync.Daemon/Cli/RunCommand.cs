using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Hosting;
using ModelSync.Daemon.Http;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Metrics;
using ModelSync.Daemon.Placement;
using ModelSync.Daemon.Requests;
using ModelSync.Store.Layout;
using Serilog;
using Log = ModelSync.Daemon.Logging.Log;

namespace ModelSync.Daemon.Cli;

/// <summary><c>run</c>: the DaemonSet's process. Reconcile loop, manifest watcher, scrub and the HTTP
/// endpoints in one host; stops cleanly (exit 0) on SIGTERM within <see cref="ShutdownTimeout"/>.</summary>
internal static class RunCommand
{
    public const string DefaultListen = "http://0.0.0.0:9090";
    public const string DefaultScrubRate = "50Mi";

    /// <summary>Below the kubelet's default 30 s grace period, so the inventory is flushed before SIGKILL.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(25);

    public static Command Create()
    {
        var manifestOption = CommonOptions.Manifest();
        var logFormat = CommonOptions.LogFormat();
        var logLevel = CommonOptions.LogLevel();
        var node = CommonOptions.Node();
        var listen = new Option<string>("--listen")
        {
            Description = "URL the HTTP endpoints listen on. Env: MODELSYNC_LISTEN.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MODELSYNC_LISTEN") is { Length: > 0 } l ? l : DefaultListen,
        };
        var scrubRate = new Option<string>("--scrub-rate")
        {
            Description = "Most bytes/s the scheduled scrub (sync.verifyInterval) reads, e.g. 100Mi or 1Gi. Env: MODELSYNC_SCRUB_RATE.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MODELSYNC_SCRUB_RATE") is { Length: > 0 } r ? r : DefaultScrubRate,
        };
        var command = new Command("run", "Keep the store in sync with the manifest (reconcile loop, reload on change, GC, scrub) and serve /healthz /readyz /status /metrics and a status page.")
        {
            manifestOption, listen, logFormat, logLevel, node, scrubRate,
        };
        command.SetAction(async (parse, _) =>
        {
            // The host handles SIGTERM itself (graceful stop); System.CommandLine must not cut it short.
            parse.InvocationConfiguration.ProcessTerminationTimeout = null;
            var listenUrl = parse.GetValue(listen)!;
            if (ListenAddress.Problem(listenUrl) is { } listenProblem)
            {
                // Named as the operator wrote it: the option, or the pod spec's variable.
                Console.Error.WriteLine($"{(parse.GetResult(listen) is { Implicit: false } ? "--listen" : "MODELSYNC_LISTEN")}: {listenProblem}");
                return ExitCodes.Usage;
            }

            var manifestPath = Path.GetFullPath(parse.GetValue(manifestOption)!);
            var manifest = CommonOptions.LoadManifest(manifestPath, leaveOutBadFiles: true);
            if (manifest is null)
            {
                return ExitCodes.Usage;
            }

            if (!ByteSize.TryParse(parse.GetValue(scrubRate), out var scrubBytesPerSecond, out var rateError) || scrubBytesPerSecond <= 0)
            {
                Console.Error.WriteLine($"--scrub-rate: {rateError ?? "must be more than 0"}");
                return ExitCodes.Usage;
            }

            var givenNode = CommonOptions.GivenNode(parse, node);
            if (PlacementServiceCollectionExtensions.NodeNameProblem(manifest, givenNode) is { } nodeProblem)
            {
                Console.Error.WriteLine(nodeProblem);
                return ExitCodes.Usage;
            }

            var layout = new StoreLayout(manifest.Store.Root);
            if (!StoreAccess.IsWritable(layout))
            {
                return ExitCodes.StoreUnusable;
            }

            await using var logger = LoggingSetup.Create(parse.GetValue(logFormat), parse.GetValue(logLevel) ?? Serilog.Events.LogEventLevel.Information, ListenAddress.IsReportedByRun);
            await using var app = Build(manifest, manifestPath, layout, listenUrl, parse.GetValue(node), givenNode, scrubBytesPerSecond, logger);
            var exit = app.Services.GetRequiredService<DaemonExit>();
            var log = app.Services.GetRequiredService<ILogger<DaemonExit>>();
            try
            {
                await app.StartAsync();
            }
            catch (Exception ex) when (ListenAddress.BindFailure(ex, listenUrl) is { } failure)
            {
                Log.ListenFailed(log, failure);
                await app.StopAsync(); // what started before the bind failed (the store lock) is let go cleanly
                return ExitCodes.Failed;
            }

            // Said once the port is ours: "Listening on" never precedes a failure to listen.
            Log.RunStarting(log, listenUrl, layout.Root, manifestPath);
            await app.WaitForShutdownAsync();
            return exit.Failed ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    private static WebApplication Build(ModelManifest manifest, string manifestPath, StoreLayout layout, string listen, string? node, string? givenNode, long scrubRate, Serilog.ILogger logger)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddSerilog(logger);
        builder.WebHost.UseUrls(listen);
        builder.Services.Configure<HostOptions>(o =>
        {
            o.ShutdownTimeout = ShutdownTimeout;
            o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });

        builder.Services
            .AddSyncEngine(manifest, node)
            .AddManifestWatcher(manifestPath, manifest)
            .AddReconcileLoop(layout)
            .AddScrub(scrubRate)
            .AddStoreMetrics()
            .AddControlChannel()
            .AddRequestChannel()
            .AddPlacement(givenNode)
            .AddNodeLabelRefresh(givenNode);

        var app = builder.Build();
        app.MapDaemonEndpoints(app.Services.GetRequiredService<IDaemonView>(), app.Services.GetRequiredService<DaemonMetrics>());
        return app;
    }
}
