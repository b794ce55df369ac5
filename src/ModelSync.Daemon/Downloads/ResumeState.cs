using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModelSync.Daemon.Downloads;

/// <summary>
/// Sidecar of a staged file (<c>.modelsync/staging/&lt;name&gt;/&lt;version&gt;.resume/</c>). Only this
/// record says a file is complete: a preallocated file has its full length long before its last byte.
/// </summary>
internal sealed record ResumeState
{
    /// <summary>sha256 of the source URL: tells a changed source apart without keeping a signed URL's
    /// credentials on a disk that pods mount.</summary>
    public required string Source { get; init; }

    public required long Size { get; init; }

    /// <summary>Strong ETag or Last-Modified of the response the bytes came from; sent as If-Range.</summary>
    public string? Validator { get; init; }

    /// <summary>Bytes from offset 0 known written; a restart re-hashes them from disk and resumes after.</summary>
    public long BytesDone { get; init; }

    /// <summary>Pieces of a segmented download written beyond <see cref="BytesDone"/> (not hashed yet): a restart
    /// fetches only what they lack, and the hasher reads them from disk.</summary>
    public IReadOnlyList<ByteRange>? Ahead { get; init; }

    public bool Complete { get; init; }

    public string? Sha256 { get; init; }

    public string? Xxh128 { get; init; }

    public string? GitBlobSha1 { get; init; }

    /// <summary>The record's file name: the escaped path, or its sha256 where that would pass the 255-byte
    /// name limit (deep paths, or a few dozen CJK characters escape to that).</summary>
    public static string FileNameFor(string path)
    {
        var escaped = Uri.EscapeDataString(path);
        return escaped.Length <= 200 ? escaped + ".json" : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(path))) + ".json";
    }

    public static string SourceOf(Uri url) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(url.AbsoluteUri)));

    public static ResumeState? TryRead(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), DaemonJsonContext.Default.ResumeState);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Not fsynced: after a crash a stale record only costs re-downloaded bytes, and a record
    /// ahead of the disk is caught by the digest. <paramref name="atomic"/>: beside, then renamed over;
    /// else in place, where a torn write (a prefix of the JSON) fails to parse and counts as no record.</summary>
    public void Write(string path, bool atomic = true)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(this, DaemonJsonContext.Default.ResumeState);
        if (!atomic)
        {
            File.WriteAllBytes(path, json);
            return;
        }

        var temp = path + ".tmp";
        File.WriteAllBytes(temp, json);
        File.Move(temp, path, overwrite: true);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ResumeState))]
internal sealed partial class DaemonJsonContext : JsonSerializerContext;
