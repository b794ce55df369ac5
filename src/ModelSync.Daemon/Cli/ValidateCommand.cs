using System.CommandLine;
using System.Text.Json;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources;
using ModelSync.Store.Text;

namespace ModelSync.Daemon.Cli;

/// <summary><c>validate FILE|DIR [--json]</c>: lints a manifest (or a directory of them, as the daemon reads
/// <c>--manifest DIR</c>) without touching the store.</summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The manifest (YAML) to check, or a directory of them (every *.yaml/*.yml, as --manifest DIR)." };
        var json = new Option<bool>("--json") { Description = "Print the problems as a JSON array on stdout." };
        var command = new Command("validate", "Check a manifest and print every problem as FILE:LINE:COL: field: message.")
        {
            file,
            json,
        };
        command.SetAction(parse => Run(
            parse.GetValue(file)!, parse.GetValue(json), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    internal static int Run(string path, bool json, TextWriter output, TextWriter error)
    {
        var result = ManifestLoader.Load(path, SourceKinds.Create().Syntax);
        if (json)
        {
            output.WriteLine(ToJson(result.Problems));
        }
        else if (result.Manifest is { } manifest)
        {
            var files = manifest.Models.Sum(m => m.Files.Count);
            var bytes = manifest.Models.Sum(m => m.TotalBytes);
            // A model resolved from a source (hf://, oci://, ollama://, s3://) has its files listed only when the
            // daemon asks the source: say so rather than count it as 0 files. Its kind says how it is counted.
            var resolved = manifest.Models.Select(m => m.Source.ListedBy).OfType<string>()
                .GroupBy(by => by, StringComparer.Ordinal)
                .Select(g => $"{g.Count()} from {g.Key}");
            var later = string.Join(", ", resolved);
            output.WriteLine(
                $"{path}: OK ({(manifest.FileSet is { } set ? $"{CountText.Of(set.InForce.Count, "file")}: " : "")}{CountText.Of(manifest.Models.Count, "model")}, {CountText.Of(files, "file")}, {ByteText.Format(bytes)}{(later.Length == 0 ? "" : $"; {later}, listed at sync")})");
        }
        else
        {
            foreach (var problem in result.Problems)
            {
                error.WriteLine(problem);
            }
        }

        return result.IsValid ? ExitCodes.Ok : ExitCodes.Usage;
    }

    private static string ToJson(IReadOnlyList<ManifestProblem> problems)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var p in problems)
            {
                writer.WriteStartObject();
                writer.WriteString("file", p.File);
                writer.WriteNumber("line", p.Line);
                writer.WriteNumber("column", p.Column);
                writer.WriteString("field", p.Field);
                writer.WriteString("message", p.Message);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
