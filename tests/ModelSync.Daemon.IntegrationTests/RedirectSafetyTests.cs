using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Store.Inventory;
using Xunit;
using Xunit.Abstractions;

namespace ModelSync.Daemon.IntegrationTests;

/// <summary>Redirects that try to trap the daemon in a loop or walk a token down from https to http.</summary>
[Collection(FaultServerCollection.Name)]
public sealed class RedirectSafetyTests(FaultServer server, ITestOutputHelper output) : FaultServerTest(server, output)
{
    [Fact]
    public async Task Sync_RedirectLoop_FailsNamingRedirectsWithoutRetrying()
    {
        // a -> b -> a -> ...: a client that follows blindly never returns.
        Server.Route($"{Scope}/v1/f.bin", r => Redirect(r, $"{Scope}/v1/b"));
        Server.Route($"{Scope}/v1/b", r => Redirect(r, $"{Scope}/v1/f.bin"));
        var model = new ManifestModel("m", "v1", $"{Server.Origin}{Scope}/v1/", [ManifestFile.Of("f.bin", [1, 2, 3])]);
        Store.MaxAttempts = 4;
        // Eleven hops get no byte: on a loaded machine they outlasted the kit's 1 s stall timeout, and the
        // transient stall was retried (20 GETs), which is not what this test is about.
        Store.StallTimeout = "30s";

        var result = await DaemonRunner.SyncAsync(Store.WriteManifest(model), Output);

        Assert.Equal(1, result.ExitCode);
        var entry = Store.Entry("m");
        Assert.Equal(ModelState.Failed, entry.State);
        Assert.Equal("HttpStatus", entry.Error?.Reason);
        Assert.Contains("redirect", entry.Error?.Message, StringComparison.OrdinalIgnoreCase);
        // Bounded: one attempt (a loop does not heal by retrying) of at most 1 + 10 hops.
        // GETs only: the failure policy's one HEAD for the parking's validator follows the same loop once.
        Assert.InRange(Server.Requests(Scope).Count(r => r.Method == "GET"), 2, 11);
    }

    private static Task Redirect(FaultRequest r, string location)
    {
        r.Response.Headers.Location = location;
        return r.Status(302);
    }

    [Fact]
    public async Task Sync_HttpsRedirectsToHttp_TokenDoesNotFollow()
    {
        var token = "hf_" + Guid.NewGuid().ToString("N");
        var tokenFile = Path.Combine(Store.Dir, "hf-token");
        File.WriteAllText(tokenFile, token);
        var content = RandomNumberGenerator.GetBytes(30_000);
        Server.Route($"{Scope}/plain/f.bin", r => r.ServeAsync(content));
        using var certificate = SelfSignedLoopbackCertificate();
        // The daemon is another process: it trusts the test's certificate through OpenSSL's SSL_CERT_FILE,
        // as a node would through its CA bundle.
        var bundle = Path.Combine(Store.Dir, "ca.pem");
        File.WriteAllText(bundle, certificate.ExportCertificatePem());
        await using var tls = await TlsRedirector.StartAsync(certificate, $"{Server.Origin}{Scope}/plain/f.bin");
        var model = new ManifestModel("m", "v1", $"{tls.Origin}/v1/", [ManifestFile.Of("f.bin", content)]) { BearerTokenFile = tokenFile };
        // A TLS handshake plus a redirect on a loaded 2-core machine can exceed the suite's 1 s.
        Store.StallTimeout = "10s";

        var result = await DaemonRunner.RunWithEnvironmentAsync(Output, new Dictionary<string, string> { ["SSL_CERT_FILE"] = bundle },
            "sync", "--manifest", Store.WriteManifest(model));

        Assert.Equal(0, result.ExitCode);
        Store.AssertPublished(model, (_, path) => File.ReadAllBytes(path).AsSpan().SequenceEqual(content));
        // The https origin got the token (so TLS and the trust really worked), the http hop never did,
        // however many attempts a loaded machine needed.
        Assert.NotEmpty(tls.Authorizations);
        Assert.All(tls.Authorizations, a => Assert.Equal($"Bearer {token}", a));
        Assert.NotEmpty(Server.Requests(Scope));
        Assert.All(Server.Requests(Scope), r => Assert.Null(r.Authorization));
        Assert.DoesNotContain(token, result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(token, File.ReadAllText(Store.Layout.InventoryPath), StringComparison.Ordinal);
    }

    private static X509Certificate2 SelfSignedLoopbackCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Through PKCS#12 so the private key is one Kestrel's TLS stack can use.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>An https Kestrel on 127.0.0.1 whose every answer is a 302 to <c>target</c>; it records the
    /// Authorization header of each request.</summary>
    private sealed class TlsRedirector : IAsyncDisposable
    {
        private readonly ConcurrentQueue<string?> _authorizations = new();
        private WebApplication? _app;

        public string Origin { get; private set; } = "";

        public IReadOnlyList<string?> Authorizations => [.. _authorizations];

        public static async Task<TlsRedirector> StartAsync(X509Certificate2 certificate, string target)
        {
            var redirector = new TlsRedirector();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
            var app = builder.Build();
            app.Run(context =>
            {
                redirector._authorizations.Enqueue(context.Request.Headers.Authorization.FirstOrDefault());
                context.Response.Headers.Location = target;
                context.Response.StatusCode = StatusCodes.Status302Found;
                return Task.CompletedTask;
            });
            await app.StartAsync();
            redirector._app = app;
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            redirector.Origin = $"https://127.0.0.1:{new Uri(address).Port}";
            return redirector;
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.StopAsync();
                await _app.DisposeAsync();
            }
        }
    }
}
