using System.Text.Json;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Store.Inventory;

public static class MarkerFile
{
    public static void Write(string versionDir, ModelMarker marker) =>
        AtomicFile.WriteJson(Path.Combine(versionDir, StoreLayout.MarkerFileName), marker, StoreJsonContext.Default.ModelMarker);

    /// <summary>The marker of a version directory, or null when it is missing or unreadable.</summary>
    public static ModelMarker? TryRead(string versionDir)
    {
        try
        {
            var bytes = File.ReadAllBytes(Path.Combine(versionDir, StoreLayout.MarkerFileName));
            return JsonSerializer.Deserialize(bytes, StoreJsonContext.Default.ModelMarker);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
