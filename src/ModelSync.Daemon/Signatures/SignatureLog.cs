using Microsoft.Extensions.Logging;

namespace ModelSync.Daemon.Signatures;

/// <summary>Event IDs 3200-3219: model signatures (issue 32).</summary>
internal static partial class SignatureLog
{
    [LoggerMessage(3200, LogLevel.Information, "{Model} {Version}: signature verified, signed by {Signer}; {Published} files published of the {Signed} it lists, {Ignored} files of the source left out as unsigned")]
    public static partial void Verified(ILogger logger, string model, string version, string signer, int published, int signed, int ignored);
}
