using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ModelSync.Daemon.Metrics;
using Prometheus;

namespace ModelSync.Daemon.Http;

/// <summary>The HTTP surface of run mode (docs/operations.md, "Endpoints").</summary>
internal static class DaemonEndpoints
{
    public static IEndpointRouteBuilder MapDaemonEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", (DaemonView view) => view.Unhealthy() is { } why
            ? Results.Text($"unhealthy: {why}\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ok\n"));

        app.MapGet("/readyz", (DaemonView view) => view.NotReady() is { } why
            ? Results.Text($"not ready: {why}\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ready\n"));

        app.MapGet("/status", (DaemonView view) => Results.Json(view.Status(), StatusJsonContext.Default.StatusDocument));

        app.MapGet("/", () => Results.Content(StatusPage.Html, "text/html; charset=utf-8"));

        var metrics = app.ServiceProvider.GetRequiredService<DaemonMetrics>();
        var daemonView = app.ServiceProvider.GetRequiredService<DaemonView>();
        metrics.Registry.AddBeforeCollectCallback(() => daemonView.RefreshMetrics(metrics));
        app.MapMetrics("/metrics", metrics.Registry);
        return app;
    }
}
