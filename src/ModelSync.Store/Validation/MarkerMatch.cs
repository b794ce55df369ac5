using System.Text.Json;
using ModelSync.Store.Inventory;

namespace ModelSync.Store.Validation;

/// <summary>
/// Whether a marker's bytes vouch for an inventory entry, read in one pass without building the marker: at
/// 1,000 models, parsing every marker into objects cost as much as the rest of the gate's check. It only ever
/// says yes for a marker as the daemon writes it (these properties, each once, of these types, its files in the
/// inventory's order); anything else is "not sure", and the caller parses the marker (<see cref="MarkerFile"/>)
/// to decide and to say why, so a yes here is a yes there.
/// </summary>
internal static class MarkerMatch
{
    /// <summary>True when <paramref name="json"/> parses as a marker naming <paramref name="name"/>@<paramref name="version"/>
    /// whose <see cref="ModelMarker.Lists"/> of <paramref name="files"/> is true; false when not sure.</summary>
    public static bool Vouches(ReadOnlySpan<byte> json, string name, string version, IReadOnlyList<FileEntry> files)
    {
        if (name is null || version is null || !DistinctPaths(files))
        {
            return false; // ModelMarker.Lists decides (it refuses a marker listing a path twice)
        }

        try
        {
            var reader = new Utf8JsonReader(json);
            return Document(ref reader, name, version, files) && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool Document(ref Utf8JsonReader reader, string name, string version, IReadOnlyList<FileEntry> files)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.ValueTextEquals("schemaVersion"u8) ? 1 : reader.ValueTextEquals("name"u8) ? 2
                : reader.ValueTextEquals("version"u8) ? 4 : reader.ValueTextEquals("publishedAt"u8) ? 8
                : reader.ValueTextEquals("source"u8) ? 16 : reader.ValueTextEquals("files"u8) ? 32 : 0;
            if (property == 0 || (seen & property) != 0 || !reader.Read())
            {
                return false;
            }

            seen |= property;
            var ok = property switch
            {
                1 => reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out _),
                2 => reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(name),
                4 => reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(version),
                8 => reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out _),
                16 => reader.TokenType is JsonTokenType.String or JsonTokenType.Null,
                _ => Files(ref reader, files),
            };
            if (!ok)
            {
                return false;
            }
        }

        // Name, version and files present (files may be absent only when none are listed: then Lists compares counts).
        return reader.TokenType == JsonTokenType.EndObject && (seen & 6) == 6 && ((seen & 32) != 0 || files.Count == 0);
    }

    /// <summary>The marker's files, each the inventory's file at the same index: same path and size, every digest
    /// the inventory's entry carries equal (a git blob id only where the marker has one).</summary>
    private static bool Files(ref Utf8JsonReader reader, IReadOnlyList<FileEntry> files)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        var index = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            if (index >= files.Count || !File(ref reader, files[index]))
            {
                return false;
            }

            index++;
        }

        return reader.TokenType == JsonTokenType.EndArray && index == files.Count;
    }

    private static bool File(ref Utf8JsonReader reader, FileEntry file)
    {
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.ValueTextEquals("path"u8) ? 1 : reader.ValueTextEquals("size"u8) ? 2
                : reader.ValueTextEquals("sha256"u8) ? 4 : reader.ValueTextEquals("xxh128"u8) ? 8
                : reader.ValueTextEquals("gitBlobSha1"u8) ? 16 : 0;
            if (property == 0 || (seen & property) != 0 || !reader.Read())
            {
                return false;
            }

            seen |= property;
            var ok = property switch
            {
                1 => reader.TokenType == JsonTokenType.String && file.Path is not null && reader.ValueTextEquals(file.Path),
                2 => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var size) && size == file.Size,
                4 => Digest(ref reader, file.Sha256, markerMayLack: false),
                8 => Digest(ref reader, file.Xxh128, markerMayLack: false),
                _ => Digest(ref reader, file.GitBlobSha1, markerMayLack: true),
            };
            if (!ok)
            {
                return false;
            }
        }

        // A digest the inventory carries must be in the marker; size may be absent only where the inventory says 0.
        return reader.TokenType == JsonTokenType.EndObject && (seen & 1) != 0 && ((seen & 2) != 0 || file.Size == 0)
            && ((seen & 4) != 0 || file.Sha256 is null) && ((seen & 8) != 0 || file.Xxh128 is null);
    }

    /// <summary>A digest property of the marker against the inventory's: any value when the inventory has none.</summary>
    private static bool Digest(ref Utf8JsonReader reader, string? expected, bool markerMayLack) =>
        reader.TokenType == JsonTokenType.Null ? expected is null || markerMayLack
        : reader.TokenType == JsonTokenType.String && (expected is null || reader.ValueTextEquals(expected));

    private static bool DistinctPaths(IReadOnlyList<FileEntry> files)
    {
        if (files.Count <= 16)
        {
            for (var i = 1; i < files.Count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (files[i].Path == files[j].Path)
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        var paths = new HashSet<string>(files.Count, StringComparer.Ordinal);
        return files.All(f => f.Path is not null && paths.Add(f.Path));
    }
}
