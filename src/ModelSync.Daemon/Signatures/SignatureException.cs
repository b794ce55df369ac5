namespace ModelSync.Daemon.Signatures;

/// <summary>A bundle or a model that does not pass: <see cref="Check"/> names what failed (the check, or the
/// file), the message says why in one line. Deterministic: the same bytes fail the same way.</summary>
internal sealed class SignatureException(string check, string message) : Exception(message)
{
    public string Check { get; } = check;

    /// <summary>The model file the failure is about, when it is about one.</summary>
    public string? File { get; init; }
}
