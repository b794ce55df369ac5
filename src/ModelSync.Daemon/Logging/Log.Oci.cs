using Microsoft.Extensions.Logging;

namespace ModelSync.Daemon.Logging;

/// <summary>Tar layers of <c>oci://</c> models (docs/sources.md, "OCI registries").</summary>
internal static partial class Log
{
    [LoggerMessage(1600, LogLevel.Information, "{Model}@{Version}: {Layers} verified tar layers unpacked; the version holds {FileCount} files, {Bytes} bytes")]
    public static partial void LayersUnpacked(ILogger logger, string model, string version, int layers, int fileCount, long bytes);
}
