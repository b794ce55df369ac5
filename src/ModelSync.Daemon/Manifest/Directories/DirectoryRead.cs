using System.Security.Cryptography;
using System.Text;

namespace ModelSync.Daemon.Manifest.Directories;

/// <summary>One file of a manifest directory as read: its bytes, or why it could not be read.</summary>
/// <param name="Path">As the user names it: the directory joined with the file name, never kubelet's timestamped directory.</param>
internal sealed record ManifestInput(string Path, byte[]? Bytes, string? ReadError)
{
    public string Sha256 => Bytes is null ? "" : ManifestLoader.Sha256Hex(Bytes);
}

/// <summary>What one look at a manifest directory found: its YAML files in name order, or why the directory
/// itself could not be listed.</summary>
internal sealed record DirectoryRead(string Directory, IReadOnlyList<ManifestInput> Files, string? Error)
{
    /// <summary>Changes when any file's content, the set of files, or a read error changes: the reloader's
    /// "anything new?" test.</summary>
    public string Fingerprint()
    {
        var text = new StringBuilder(Error ?? "");
        foreach (var file in Files)
        {
            text.Append('\n').Append(file.Path).Append('\0').Append(file.Bytes is null ? "!" + file.ReadError : file.Sha256);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
