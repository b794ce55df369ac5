using System.Diagnostics;
using ModelSync.Gate.Cli;
using ModelSync.Gate.Output;
using ModelSync.Store.Signals;
using ModelSync.Store.Text;

namespace ModelSync.Gate.Commands;

/// <summary>The default mode: poll until every required model validates, the timeout passes, or SIGTERM.</summary>
internal static class WaitCommand
{
    public static int Run(GateOptions options)
    {
        using var shutdown = new StopSignal();
        // With --json, stdout carries only the final document; the waiting lines go to stderr.
        var log = options.Json ? Console.Error : Console.Out;
        var reporter = new WaitReporter();
        var clock = Stopwatch.StartNew();
        ProbeResult? probe = null;
        try
        {
            while (true)
            {
                probe = StoreProbe.Run(options, shutdown.Token);
                if (probe.IsValid)
                {
                    break;
                }

                if (reporter.Next(probe) is { } line)
                {
                    log.WriteLine(line);
                }

                var remaining = options.Timeout - clock.Elapsed;
                if (remaining <= TimeSpan.Zero)
                {
                    ReportPrinter.PrintTimeout(log, options, probe);
                    break;
                }

                if (shutdown.Token.WaitHandle.WaitOne(remaining < options.Interval ? remaining : options.Interval))
                {
                    throw new OperationCanceledException(shutdown.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            log.WriteLine($"stopped by {shutdown.Signal} after {DurationText.Format(clock.Elapsed)}: models not ready");
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

        return CheckCommand.ExitCodeOf(probe);
    }
}
