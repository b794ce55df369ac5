using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Sync;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Cli;

/// <summary><c>retry [MODEL]</c>: a Failed model (or every one) is tried again now. With <c>run</c> holding
/// the store lock, the daemon clears the failure and starts a reconcile at once; without a daemon the
/// failure is cleared in the inventory, for the next <c>run</c> or <c>sync</c>. Both go through
/// <see cref="ModelRetry"/>.</summary>
internal static class RetryCommand
{
    public static Command Create()
    {
        var manifestOption = CommonOptions.Manifest();
        var model = new Argument<string?>("model") { Description = "The model to retry; all Failed models when left out.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("retry", "Try a Failed model (or all of them) again now, without editing the manifest.") { model, manifestOption };
        command.SetAction(async (parse, ct) =>
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            var manifest = CommonOptions.LoadManifest(parse.GetValue(manifestOption)!);
            if (manifest is null)
            {
                return ExitCodes.Usage;
            }

            var name = parse.GetValue(model);
            var layout = new StoreLayout(manifest.Store.Root);
            if (!StoreAccess.IsWritable(layout))
            {
                return ExitCodes.StoreUnusable;
            }

            using var storeLock = StoreLock.TryAcquire(layout);
            if (storeLock is null)
            {
                return await LiveOperation.AskAsync(layout, LiveOperation.Retry(name), output, error, ct);
            }

            if (name is not null && manifest.Models.All(m => m.Name != name))
            {
                error.WriteLine($"retry: no model '{name}' in {manifest.SourcePath}; models: {string.Join(", ", manifest.Models.Select(m => m.Name))}");
                return ExitCodes.Usage;
            }

            var lifecycle = ModelLifecycle.Open(layout, null, "retry", TimeProvider.System, NullLoggerFactory.Instance);
            var cleared = lifecycle.RetryRequested(name is null ? [.. manifest.Models.Select(m => m.Name)] : [name]);
            lifecycle.Stop();
            foreach (var n in cleared)
            {
                output.WriteLine($"retry   {n}: failure cleared; no daemon runs: the next run or sync fetches it");
            }

            if (cleared.Count == 0)
            {
                output.WriteLine(name is null ? "retry: no model is Failed" : $"retry: {name} is not Failed");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
