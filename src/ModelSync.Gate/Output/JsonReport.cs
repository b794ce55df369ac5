using System.Text.Json;
using System.Text.Json.Serialization;
using ModelSync.Gate.Cli;
using ModelSync.Gate.Commands;

namespace ModelSync.Gate.Output;

/// <summary>The <c>--json</c> document (docs/gate.md); field names are a contract for scripts.</summary>
internal sealed record GateReport(
    bool Valid, string Root, string Verify, string? Error, long? Generation, IReadOnlyList<GateModelReport> Models);

internal sealed record GateModelReport(
    string Name, string? RequiredVersion, string? Version, string? State, string? ValidVersion, bool Valid, IReadOnlyList<GateProblem> Problems);

internal sealed record GateProblem(string Kind, string? File, string Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(GateReport))]
internal sealed partial class GateJsonContext : JsonSerializerContext;

internal static class JsonReport
{
    public static GateReport Build(GateOptions options, ProbeResult probe) => new(
        probe.IsValid,
        Path.GetFullPath(options.Root),
        options.VerifyName,
        probe.StoreError,
        probe.Inventory?.Generation,
        probe.Report is { } report
            ? [.. report.Models.Select(m => new GateModelReport(
                m.Requirement.Name,
                m.Requirement.Version,
                m.Entry?.Version,
                m.Entry?.State.ToString(),
                m.ValidVersion,
                m.IsValid,
                [.. m.Problems.Select(p => new GateProblem(p.Kind.ToString(), p.File, p.Message))]))]
            : []);

    public static void Write(TextWriter output, GateOptions options, ProbeResult probe) =>
        output.WriteLine(JsonSerializer.Serialize(Build(options, probe), GateJsonContext.Default.GateReport));
}
