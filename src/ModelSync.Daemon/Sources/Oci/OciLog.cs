using Microsoft.Extensions.Logging;

namespace ModelSync.Daemon.Sources.Oci;

/// <summary>Tar layers of <c>oci://</c> models (docs/sources.md, "OCI registries").</summary>
internal static partial class OciLog
{
    [LoggerMessage(1600, LogLevel.Information, "{Model}@{Version}: verified tar layers unpacked: {Layers}; the version holds files: {FileCount}, bytes: {Bytes}")]
    public static partial void LayersUnpacked(ILogger logger, string model, string version, int layers, int fileCount, long bytes);
}
