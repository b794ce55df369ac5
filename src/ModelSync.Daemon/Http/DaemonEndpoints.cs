using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelSync.Daemon.Metrics;
using Prometheus;

namespace ModelSync.Daemon.Http;

/// <summary>The HTTP surface of run mode (docs/operations.md, "Endpoints").</summary>
internal static class DaemonEndpoints
{
    public static IEndpointRouteBuilder MapDaemonEndpoints(this IEndpointRouteBuilder app, IDaemonView view, DaemonMetrics metrics)
    {
        app.MapGet("/healthz", () => view.Unhealthy() is { } why
            ? Results.Text($"unhealthy: {why}\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ok\n"));

        app.MapGet("/readyz", () => view.NotReady() is { } why
            ? Results.Text($"not ready: {why}\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ready\n"));

        app.MapGet("/status", () => Results.Json(view.Status(), StatusJsonContext.Default.StatusDocument));

        app.MapGet("/", () => Results.Content(StatusPage.Render(view.Status()), "text/html; charset=utf-8"));

        metrics.Registry.AddBeforeCollectCallback(() => view.RefreshMetrics(metrics));
        app.MapMetrics("/metrics", metrics.Registry);
        return app;
    }
}
