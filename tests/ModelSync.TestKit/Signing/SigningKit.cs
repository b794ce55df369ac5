using System.Diagnostics;

namespace ModelSync.TestKit.Signing;

/// <summary>
/// Test keys, CAs and OMS bundles made by <c>tests/signing/make-bundle.py</c> (openssl and the spec, not the
/// product's code): <see cref="Pki"/> once per fixture, <see cref="Sign"/> per bundle. The published bundles of
/// the reference implementation are under <see cref="Published"/>.
/// </summary>
public sealed class SigningKit : IDisposable
{
    private static readonly string Script = RepoRoot.Combine("tests", "signing", "make-bundle.py");
    private readonly TempDir _dir = new();

    public SigningKit()
    {
        Run("pki", Pki);
    }

    public static string Published(params string[] parts) => RepoRoot.Combine(["tests", "signing", "published", .. parts]);

    /// <summary>Keys (<c>p256.pem</c>, <c>p384-pub.pem</c>, <c>rsa-pub.pem</c>…) and certificates (<c>ca.pem</c>, <c>leaf.pem</c>…).</summary>
    public string Pki => Path.Combine(_dir.Path, "pki");

    public string File(string name) => Path.Combine(Pki, name);

    /// <summary>Signs <paramref name="model"/> with <c>--key KEY</c> and the script's other options; returns the bundle's bytes.</summary>
    public byte[] Sign(string model, string key, params string[] options)
    {
        var output = Path.Combine(_dir.Path, $"{Guid.NewGuid():N}.sig");
        Run(["sign", "--key", File(key), "--model", model, "--out", output, .. options.Select(o => o.EndsWith(".pem", StringComparison.Ordinal) && !o.Contains('/') ? File(o) : o)]);
        return System.IO.File.ReadAllBytes(output);
    }

    public void Dispose() => _dir.Dispose();

    private static void Run(params string[] args)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"make-bundle.py {string.Join(' ', args)} failed: {error}");
        }
    }
}
