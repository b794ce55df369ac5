using System.Text;
using ModelSync.Gate.Cli;
using ModelSync.Gate.Output;
using ModelSync.Gate.Requests;
using ModelSync.Store.Signals;

namespace ModelSync.Gate.Commands;

/// <summary><c>--check</c>: validate once, report, exit.</summary>
internal static class CheckCommand
{
    public static int Run(GateOptions options)
    {
        using var shutdown = new StopSignal();
        ProbeResult probe;
        using var refusal = OnDemandRefusal.Create(options);
        try
        {
            probe = StoreProbe.Run(options, shutdown.Token);
            if (refusal?.Refusal(options.Requirements!, probe, shutdown.Token) is { } refused)
            {
                return OnDemandRefusal.Refuse(refused);
            }
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"stopped by {shutdown.Signal} during the check");
            return ExitCodes.NotValid;
        }

        // One write for the report: Console.Out flushes every line, a thousand writes at 1,000 models.
        using (var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 64 * 1024, leaveOpen: true))
        {
            if (options.Json)
            {
                JsonReport.Write(output, options, probe);
            }
            else
            {
                ReportPrinter.PrintCheck(output, options, probe);
            }
        }

        return ExitCodeOf(probe);
    }

    public static int ExitCodeOf(ProbeResult probe) =>
        probe.StoreError is not null ? ExitCodes.StoreUnreadable : probe.IsValid ? ExitCodes.Valid : ExitCodes.NotValid;
}
