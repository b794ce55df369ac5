using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Hosting;

/// <summary>
/// Settings a running daemon reads once at start (the HTTP client's proxy, the bandwidth bucket): a reload that
/// changes them applies everything else and says, once per setting, that this one waits for a restart.
/// Shared by the file and the directory reloader.
/// </summary>
internal static class RestartSettings
{
    /// <summary>The settings <paramref name="manifest"/> changes against <paramref name="startup"/>; each one not
    /// already reported (<see cref="ManifestInForce.RestartRequired"/>) is logged against <paramref name="where"/>.</summary>
    public static List<string> Changed(ModelManifest startup, ModelManifest manifest, ManifestInForce inForce, ILogger logger, string where)
    {
        var restart = new List<string>();
        if (manifest.Sync.Proxy != startup.Sync.Proxy)
        {
            restart.Add("sync.proxy");
        }

        if (manifest.Sync.BandwidthLimit != startup.Sync.BandwidthLimit)
        {
            restart.Add("sync.bandwidthLimit");
        }

        foreach (var setting in restart.Except(inForce.RestartRequired))
        {
            Log.RestartRequired(logger, where, setting);
        }

        return restart;
    }
}
