using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Cli;

/// <summary><c>validate FILE [--json]</c>: lints a manifest without touching the store.</summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The manifest (YAML) to check." };
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
        var result = ManifestLoader.Load(path);
        if (json)
        {
            output.WriteLine(ToJson(result.Problems));
        }
        else if (result.Manifest is { } manifest)
        {
            var files = manifest.Models.Sum(m => m.Files.Count);
            var gib = manifest.Models.Sum(m => m.TotalBytes) / (double)(1L << 30);
            var hub = manifest.Models.Count(m => m.Hub is not null);
            // A hub model's files are only known once the daemon asks the hub; say so rather than count 0.
            var fromHub = hub == 0 ? "" : $"; {hub} from the hub, listed at sync";
            var oci = manifest.Models.Count(m => m.Oci is not null);
            fromHub += oci == 0 ? "" : $"; {oci} from OCI registries, listed at sync";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{path}: ok ({manifest.Models.Count} models, {files} files, {gib:0.00} GiB{fromHub})"));
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
