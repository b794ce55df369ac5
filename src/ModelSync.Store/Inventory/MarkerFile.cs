using System.Text.Json;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Store.Inventory;

public static class MarkerFile
{
    public static void Write(string versionDir, ModelMarker marker) =>
        AtomicFile.WriteJson(Path.Combine(versionDir, StoreLayout.MarkerFileName), marker, StoreJsonContext.Default.ModelMarker);

    /// <summary>The marker of a version directory, or null when it is missing or unreadable.</summary>
    public static ModelMarker? TryRead(string versionDir) => TryReadFile(Path.Combine(versionDir, StoreLayout.MarkerFileName));

    /// <summary>The marker of <paramref name="versionDir"/> when it names <paramref name="name"/>@<paramref name="version"/>:
    /// a marker copied from elsewhere, or naming another version, vouches for nothing here.</summary>
    public static ModelMarker? TryReadFor(string versionDir, string name, string version) =>
        TryRead(versionDir) is { } marker && marker.Name == name && marker.Version == version ? marker : null;

    /// <summary>Condemns a published version: <paramref name="salvage"/> (its files not found damaged) is
    /// written beside the marker, then the marker goes, so the directory is no longer a published version
    /// but a repair still knows which of its files may be worth re-hashing.</summary>
    public static void Condemn(string versionDir, ModelMarker salvage)
    {
        AtomicFile.WriteJson(Path.Combine(versionDir, StoreLayout.SalvageFileName), salvage, StoreJsonContext.Default.ModelMarker);
        File.Delete(Path.Combine(versionDir, StoreLayout.MarkerFileName));
        Durable.FsyncDirectory(versionDir);
    }

    /// <summary>What <see cref="Condemn"/> left of a version's marker, or null.</summary>
    public static ModelMarker? TryReadSalvage(string versionDir) => TryReadFile(Path.Combine(versionDir, StoreLayout.SalvageFileName));

    /// <summary>A marker from bytes already read (the gate reads them through a directory handle), or null
    /// when they are not one, as <see cref="TryRead"/> says of an unreadable file.</summary>
    public static ModelMarker? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, StoreJsonContext.Default.ModelMarker);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ModelMarker? TryReadFile(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            return JsonSerializer.Deserialize(bytes, StoreJsonContext.Default.ModelMarker);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
