using System.Text.RegularExpressions;
using ModelSync.Daemon.Manifest.Yaml;

namespace ModelSync.Daemon.Manifest;

/// <summary>The <c>sync:</c> keys of <c>oci://</c> sources: <c>insecureRegistries</c> and <c>dockerConfigFile</c>.</summary>
internal static partial class OciSectionReader
{
    /// <summary>Registries reached over plain HTTP, as containerd's and podman's lists: <c>HOST[:PORT]</c>, no scheme.</summary>
    public static List<string> ReadInsecureRegistries(MappingReader m)
    {
        var registries = new List<string>();
        foreach (var (node, text) in m.StringList("insecureRegistries") ?? [])
        {
            if (!HostPort().IsMatch(text))
            {
                m.Problems.Add(node, m.Field("insecureRegistries"), $"must be HOST or HOST:PORT (no scheme, no path), got '{text}'");
                continue;
            }

            registries.Add(text.ToLowerInvariant());
        }

        return registries;
    }

    public static string? ReadDockerConfigFile(MappingReader m)
    {
        var path = m.String("dockerConfigFile");
        if (path is not null && !StoreSectionReader.IsAbsolute(path))
        {
            m.Problems.Add(m.Get("dockerConfigFile")!, m.Field("dockerConfigFile"), $"must be an absolute path, got '{path}'");
            return null;
        }

        return path;
    }

    [GeneratedRegex(@"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:[0-9]{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostPort();
}
