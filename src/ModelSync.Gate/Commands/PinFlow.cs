using System.Collections;
using System.Text;
using ModelSync.Gate.Cli;
using ModelSync.Gate.Requests;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using ModelSync.Store.Signals;

namespace ModelSync.Gate.Commands;

/// <summary>Waits as the plain gate does, then pins the versions that validated (docs/gate.md, "Pins").</summary>
internal static class PinFlow
{
    private const int Rounds = 10;

    /// <summary>0 with every required model pinned in <paramref name="pins"/>, else the wait's exit code.</summary>
    public static int WaitAndPin(GateOptions options, StopSignal shutdown, PinSet pins)
    {
        var layout = new StoreLayout(options.Root);
        // One asker for every round: what it asked on its connection stays asked (docs/gate.md, "On-demand models").
        using var asker = OnDemandAsker.Create(options);
        for (var round = 1; ; round++)
        {
            var code = WaitCommand.Run(options, shutdown, out var probe, asker);
            if (code != ExitCodes.Valid)
            {
                return code;
            }

            if (pins.TryAddValidated(layout, probe!.Report!, shutdown.Token))
            {
                foreach (var p in pins.Pins)
                {
                    Console.Out.WriteLine($"pinned {p.Name}@{p.Version} ({p.Pin.Path})");
                }

                return ExitCodes.Valid;
            }

            // GC moved a validated version away between the look and the pin (it was not pinned yet): look again.
            Console.Out.WriteLine("a validated version left the store before it was pinned: looking again");
            if (round == Rounds)
            {
                return ExitCodes.NotValid;
            }
        }
    }
}
