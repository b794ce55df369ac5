using ModelSync.Gate.Cli;
using ModelSync.Gate.Output;
using ModelSync.Gate.Requests;
using ModelSync.Store.Signals;
using ModelSync.Store.Text;

namespace ModelSync.Gate.Commands;

/// <summary>The default mode: poll until every required model validates, the timeout passes, waiting cannot
/// help (<see cref="GiveUpWatch"/>), or SIGTERM.</summary>
internal static class WaitCommand
{
    public static int Run(GateOptions options)
    {
        using var shutdown = new StopSignal();
        return Run(options, shutdown, out _);
    }

    /// <summary>The wait; <paramref name="last"/> is the last look (valid when this returns 0). A pin form passes
    /// its <paramref name="asker"/>; without one, this is the plain form, which refuses on-demand models.</summary>
    public static int Run(GateOptions options, StopSignal shutdown, out ProbeResult? last, OnDemandAsker? asker = null)
    {
        last = null;
        // With --json, stdout carries only the final document; the waiting lines go to stderr.
        var log = options.Json ? Console.Error : Console.Out;
        using var refusal = asker is null ? OnDemandRefusal.Create(options) : null;
        var reporter = new WaitReporter();
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        var giveUp = new GiveUpWatch(time, options.AbsentGrace);
        string? printedRequired = null;
        IReadOnlyList<Hopeless>? hopeless = null;
        ProbeResult? probe = null;
        try
        {
            while (true)
            {
                probe = last = StoreProbe.Run(options, time, shutdown.Token);
                if (refusal?.Refusal(options.Requirements!, probe, shutdown.Token) is { } refused)
                {
                    return OnDemandRefusal.Refuse(refused);
                }

                asker?.Look(options.Requirements!, probe);
                if (probe.IsValid)
                {
                    break;
                }

                if (reporter.Next(probe) is { } line)
                {
                    if (RequiredLine(options, probe) is { } required && required != printedRequired)
                    {
                        log.WriteLine(required);
                        printedRequired = required;
                    }

                    log.WriteLine(line);
                }

                hopeless = giveUp.Next(probe);
                if (hopeless is not null)
                {
                    ReportPrinter.PrintCannotSucceed(log, time.GetElapsedTime(started), probe, hopeless);
                    break;
                }

                var remaining = options.Timeout - time.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero)
                {
                    ReportPrinter.PrintTimeout(log, options, probe);
                    break;
                }

                // A pin form also wakes when the daemon says something (a `ready` means: look again now).
                var next = asker?.NextLook(options.Interval) ?? options.Interval;
                var interval = remaining < next ? remaining : next;
                if (asker is null ? shutdown.Token.WaitHandle.WaitOne(interval) : WaitHandle.WaitAny([shutdown.Token.WaitHandle, asker.Wake], interval) == 0)
                {
                    throw new OperationCanceledException(shutdown.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            log.WriteLine($"stopped by {shutdown.Signal} after {DurationText.Format(time.GetElapsedTime(started))}: models not ready");
            if (options.Json && probe is not null)
            {
                // A script reading stdout still gets one document: the last look, which was not valid.
                JsonReport.Write(Console.Out, options, probe);
            }

            return ExitCodes.NotValid;
        }

        if (options.Json)
        {
            JsonReport.Write(Console.Out, options, probe);
        }
        else if (probe.IsValid)
        {
            ReportPrinter.PrintReady(log, options, probe);
        }

        return hopeless is not null ? ExitCodes.CannotSucceed : CheckCommand.ExitCodeOf(probe);
    }

    /// <summary>Without <c>--require</c> the gate waits for whatever the inventory lists: say what that is, so a
    /// pod log shows what it waited for (and that the pod spec named nothing).</summary>
    private static string? RequiredLine(GateOptions options, ProbeResult probe) =>
        options.Requirements is not null ? null
        : probe.Report is { } report
            ? $"no MODELSYNC_REQUIRE: waiting for every model the inventory lists: {string.Join(", ", report.Models.Select(m => m.Requirement.Name))}"
            : "no MODELSYNC_REQUIRE: waiting for every model the inventory will list";
}
