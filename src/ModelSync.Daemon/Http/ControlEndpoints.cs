using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ModelSync.Daemon.Http;

/// <summary>How a live operation ended, for the verb to map onto its exit code: <c>ok</c>, <c>failed</c>
/// (problems found, like exit 1), <c>usage</c> (bad request, like exit 2) or <c>busy</c>.</summary>
internal static class ControlOutcome
{
    public const string Ok = "ok";
    public const string Failed = "failed";
    public const string Usage = "usage";
    public const string Busy = "busy";

    /// <summary>The exit code the verb returns for <paramref name="outcome"/>, and the one the daemon logs (event 2401),
    /// so the two never disagree. The numbers are <c>Cli/ExitCodes</c>'s (Ok, Failed, Usage, DaemonUnavailable), which
    /// this layer cannot name; <c>ControlOutcomeTests</c> pins them equal.</summary>
    public static int ExitCode(string outcome) => outcome switch
    {
        Ok => 0,
        Failed => 1,
        Usage => 2,
        _ => 4,
    };
}

/// <summary>The answer to one live operation: the verb prints <see cref="Output"/> to stdout and <see cref="Errors"/> to stderr.</summary>
internal sealed record ControlReply(string Outcome, IReadOnlyList<string> Output, IReadOnlyList<string> Errors);

/// <summary>What the control channel can do; implemented by the host, which has the store session and the loop.</summary>
internal interface ILiveOperations
{
    Task<ControlReply> VerifyAsync(CancellationToken ct);

    Task<ControlReply> GcAsync(bool dryRun, CancellationToken ct);

    /// <param name="model">Null: every Failed model.</param>
    ControlReply Retry(string? model);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ControlReply))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;

/// <summary>
/// The control channel's routes (docs/operations.md, "Live operations"). Mapped only on the app that
/// listens on the unix socket in the store's state dir, never on the HTTP port: whoever may open that
/// socket (its owner: the daemon's user) may change the store, nobody on the network can.
/// </summary>
internal static class ControlEndpoints
{
    public static IEndpointRouteBuilder MapControlEndpoints(this IEndpointRouteBuilder app, ILiveOperations operations)
    {
        app.MapPost("/v1/verify", async (CancellationToken ct) => Reply(await operations.VerifyAsync(ct)));
        app.MapPost("/v1/gc", async (bool? dryRun, CancellationToken ct) => Reply(await operations.GcAsync(dryRun == true, ct)));
        app.MapPost("/v1/retry", (string? model) => Reply(operations.Retry(string.IsNullOrEmpty(model) ? null : model)));
        return app;
    }

    private static IResult Reply(ControlReply reply) => Results.Json(reply, ControlJsonContext.Default.ControlReply);
}
