using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests.Infrastructure;

/// <summary>
/// A test against the shared <see cref="FaultServer"/>: its own store and path scope, and, when it ends,
/// the server's log of this test's requests in the test output (what a failure is read from).
/// </summary>
/// <param name="server">The shared server.</param>
/// <param name="output">Where the test's log goes.</param>
/// <param name="stallTimeout">For the store's manifests; tests that assert exact request counts give a
/// generous one, so a loaded machine cannot add a retry.</param>
public abstract class FaultServerTest(FaultServer server, ITestOutputHelper output, string? stallTimeout = null) : IDisposable
{
    protected FaultServer Server { get; } = server;

    protected ITestOutputHelper Output { get; } = output;

    protected TestStore Store { get; } = stallTimeout is null ? new() : new() { StallTimeout = stallTimeout };

    /// <summary>This test's path prefix on the server, e.g. <c>/s7</c>.</summary>
    protected string Scope { get; } = server.NewScope();

    protected IReadOnlyList<RecordedRequest> Requests => Server.Requests(Scope);

    public void Dispose()
    {
        foreach (var r in Requests)
        {
            Output.WriteLine($"[server] {r}");
        }

        Store.Dispose();
        GC.SuppressFinalize(this);
    }
}
