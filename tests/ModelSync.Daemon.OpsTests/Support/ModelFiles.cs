using System.Security.Cryptography;
using System.Text;
using ModelSync.Daemon.IntegrationTests.Infrastructure;

namespace ModelSync.Daemon.OpsTests.Support;

/// <summary>A file served by nginx: its path under the web root and its digest.</summary>
public sealed record ServedFile(string UrlPath, string Name, long Size, string Sha256);

/// <summary>A model as the manifest names it.</summary>
public sealed record ModelDef(string Name, string Version, IReadOnlyList<ServedFile> Files);

/// <summary>Creates random files under nginx's root and writes manifests for them.</summary>
public static class ModelFiles
{
    public static ServedFile Serve(NginxFixture nginx, string urlPath, int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        var full = Path.Combine(nginx.WebRoot, urlPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        return new ServedFile(urlPath, Path.GetFileName(urlPath), size, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary><paramref name="yaml"/> (from <see cref="Manifest"/>) with <paramref name="model"/> placed on demand.</summary>
    public static string OnDemand(string yaml, string model, string? keepAfterLastUse = null)
    {
        var entry = $"  - name: {model}\n";
        Assert.Contains(entry, yaml, StringComparison.Ordinal);
        var keep = keepAfterLastUse is null ? "" : $", keepAfterLastUse: {keepAfterLastUse}";
        return yaml.Replace(entry, $"{entry}    placement: {{ onDemand: true{keep} }}\n", StringComparison.Ordinal);
    }

    public static string Manifest(NginxFixture nginx, string storeRoot, IEnumerable<ModelDef> models, int keepVersions = 1, string interval = "10m", string extraSync = "")
    {
        var yaml = new StringBuilder();
        yaml.Append($"""
            store:
              root: {storeRoot}
              capacity: 1Gi
              reserve: 1Mi
              keepVersions: {keepVersions}
            sync:
              interval: {interval}
              concurrency: 4
              retry: {"{"} maxAttempts: 3, baseDelay: 100ms, maxDelay: 1s {"}"}
            {extraSync}
            models:

            """);
        foreach (var model in models)
        {
            yaml.Append($"""
                  - name: {model.Name}
                    version: "{model.Version}"
                    files:

                """);
            foreach (var f in model.Files)
            {
                yaml.Append($"""
                          - path: {f.Name}
                            url: {nginx.BaseUrl}{f.UrlPath}
                            size: {f.Size}
                            sha256: {f.Sha256}

                    """);
            }
        }

        return yaml.ToString();
    }
}
