using System.CommandLine;
using System.Text;
using ModelSync.Store.Digests;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using ModelSync.Store.Validation;

namespace ModelSync.Daemon.Cli;

/// <summary>
/// <c>hash DIR --name N --version V [--base-url URL]</c>: prints the manifest entry for the files of a
/// local directory (a mirror, or what <c>huggingface-cli download</c> left), with sizes and digests, so
/// nobody types a sha256 by hand. The output is a <c>models:</c> list item to paste into the manifest.
/// </summary>
internal static class HashCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "Directory whose files make up one model version." };
        var name = new Option<string>("--name") { Description = "Model name (DNS-1123 label).", Required = true };
        var version = new Option<string>("--version") { Description = "Model version.", Required = true };
        var baseUrl = new Option<string?>("--base-url") { Description = "Where the files are served from; default: file:// of DIR." };
        var xxh = new Option<bool>("--xxh128") { Description = "Also print xxh128 (the gate's --verify full uses it)." };
        var command = new Command("hash", "Print the manifest entry (sizes and sha256) for the files of a directory.") { dir, name, version, baseUrl, xxh };
        command.SetAction(parse =>
        {
            var root = Path.GetFullPath(parse.GetValue(dir)!);
            var (modelName, modelVersion) = (parse.GetValue(name)!, parse.GetValue(version)!);
            if (!Directory.Exists(root) || !Names.IsDns1123Label(modelName) || !Names.IsVersion(modelVersion))
            {
                Console.Error.WriteLine(!Directory.Exists(root) ? $"{root}: no such directory"
                    : !Names.IsDns1123Label(modelName) ? $"--name: '{modelName}' is not a DNS-1123 label" : $"--version: '{modelVersion}' is not a valid version");
                return ExitCodes.Usage;
            }

            var url = parse.GetValue(baseUrl) ?? new Uri(root + "/").AbsoluteUri;
            if (url.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            {
                // stderr, so stdout stays a paste-able entry; without this the paste fails validate.
                Console.Error.WriteLine($"note: a file:// source; the manifest needs 'sync: {{ allowedFileRoots: [{root}] }}' (or a parent directory)");
            }

            Console.Out.Write(Entry(root, modelName, modelVersion, url, parse.GetValue(xxh) ? DigestKind.Both : DigestKind.Sha256));
            if (Signatures.SignatureBlock.For(root, out var note) is { } block)
            {
                Console.Out.Write(block);
            }

            if (note is not null)
            {
                Console.Error.WriteLine(note);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    internal static string Entry(string root, string name, string version, string baseUrl, DigestKind kinds)
    {
        var yaml = new StringBuilder()
            .Append("  - name: ").Append(name).Append('\n')
            .Append("    version: \"").Append(version).Append("\"\n")
            .Append("    baseUrl: ").Append(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/").Append('\n')
            .Append("    files:\n");
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var path in Directory.EnumerateFiles(root, "*", options).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal))
        {
            // What the manifest could never accept is left out rather than printed: hidden caches, our marker.
            // A model.sig is the model's signature (printed as its block), not one of its files.
            if (SafePath.CheckRelative(path) is not null || path == StoreLayout.MarkerFileName || path.Split('/').Any(s => s.StartsWith('.'))
                || (path == Manifest.SignatureSpec.DefaultBundle && Signatures.SignatureBlock.For(root, out _) is not null))
            {
                continue;
            }

            var digest = FileHasher.Hash(Path.Combine(root, path), kinds);
            yaml.Append("      - path: \"").Append(path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\"\n")
                .Append("        size: ").Append(digest.Length).Append('\n')
                .Append("        sha256: ").Append(digest.Sha256).Append('\n');
            if (digest.Xxh128 is not null)
            {
                yaml.Append("        xxh128: ").Append(digest.Xxh128).Append('\n');
            }
        }

        return yaml.ToString();
    }
}
