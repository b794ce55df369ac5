using System.Security.Cryptography;
using System.Text;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources;
using ModelSync.Daemon.Sources.Listed;

namespace ModelSync.Daemon.Signatures;

/// <summary>
/// Gets a model's bundle: from the source's listing when it lists the bundle's path (with that file's credential,
/// checked against the digests the source gives for it), from a listed model's <c>baseUrl</c>, or from the
/// absolute URL the block names. Bounded (<see cref="SignatureBundle.MaxBytes"/>); a <c>file://</c> bundle is read
/// only below <c>sync.allowedFileRoots</c> and never through a symlink.
/// </summary>
internal sealed class BundleFetch(HttpSource http, IReadOnlyList<string> allowedFileRoots)
{
    public async Task<byte[]> FetchAsync(ResolvedModel model, ModelSpec spec, SignatureSpec signature, CancellationToken ct)
    {
        var listed = signature.BundlePath is { } path ? model.Files.FirstOrDefault(f => f.Spec.Path == path) : null;
        var url = signature.BundleUrl ?? listed?.Spec.Url
            ?? (spec.Source is ListedSpec { BaseUrl: { } baseUrl } ? new Uri(baseUrl, signature.BundlePath) : null)
            ?? throw new SignatureException("bundle", $"'{signature.BundlePath}' is not among the {model.Files.Count} files the source lists (an include must match it too)");
        if (listed?.Credential?.Presign is { } presign)
        {
            url = await presign(ct);
        }

        var bytes = url.IsFile ? ReadLocal(url) : await GetAsync(url, listed?.Credential is { Presign: null } c ? c.Token : ListedToken(spec, signature), ct);
        if (listed is not null)
        {
            CheckListed(listed, bytes);
        }

        return bytes;
    }

    /// <summary>A listed model's token goes to its own bundle (same base URL), never to a URL named apart.</summary>
    private static string? ListedToken(ModelSpec spec, SignatureSpec signature) =>
        signature.BundleUrl is null && spec.Source is ListedSpec { BearerTokenFile: { } file } ? BearerToken.Read(file) : null;

    private async Task<byte[]> GetAsync(Uri url, string? token, CancellationToken ct)
    {
        using var response = await http.GetAsync(url, 0, null, token, ct);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            throw ResponseCheck.IsTransientStatus(response.StatusCode)
                ? new DownloadException(FailureReason.HttpStatus, $"bundle {HttpSource.Redact(url)}: HTTP {status}", transient: true)
                : new SignatureException("bundle", $"{HttpSource.Redact(url)} answered HTTP {status}");
        }

        await using var body = await response.Content.ReadAsStreamAsync(ct);
        return await ReadBoundedAsync(body, HttpSource.Redact(url), ct);
    }

    private byte[] ReadLocal(Uri url)
    {
        var path = url.LocalPath;
        if (new FileInfo(path).LinkTarget is { } target)
        {
            throw new SignatureException("bundle", $"{path} is a symlink (to {target}): a bundle is read only as a regular file");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (!LocalSource.IsAllowed(stream, allowedFileRoots, out var real))
            {
                throw new SignatureException("bundle", $"{real} is not below sync.allowedFileRoots");
            }

            return ReadBoundedAsync(stream, path, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SignatureException("bundle", $"{path} does not exist");
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream stream, string where, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > SignatureBundle.MaxBytes)
            {
                throw new SignatureException("bundle", $"{where} is larger than a bundle's {SignatureBundle.MaxBytes} bytes");
            }
        }

        return buffer.ToArray();
    }

    /// <summary>The bundle is held to what the source says of it, like any file it lists.</summary>
    private static void CheckListed(ResolvedFile file, byte[] bytes)
    {
        var spec = file.Spec;
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var blob = Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {bytes.Length}\0"), .. bytes]));
        if (bytes.Length != spec.Size || (spec.Sha256 is { } s && s != sha256) || (spec.GitBlobSha1 is { } g && g != blob))
        {
            throw new DownloadException(FailureReason.ChecksumMismatch,
                $"bundle {spec.Path}: {bytes.Length} bytes, sha256 {sha256}; the source lists {spec.Size} bytes{(spec.Sha256 is null ? "" : $", sha256 {spec.Sha256}")}", transient: false);
        }
    }
}
