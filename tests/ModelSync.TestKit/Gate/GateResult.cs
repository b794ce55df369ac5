namespace ModelSync.Gate.Tests.Support;

/// <summary>How one gate run ended: its exit code and every line it printed.</summary>
public sealed record GateResult(int ExitCode, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr)
{
    public string Out => string.Join('\n', Stdout);

    public string Err => string.Join('\n', Stderr);
}
