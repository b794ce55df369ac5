using System.Security.Cryptography;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Tests.Downloads;

/// <summary>A temp directory with a file:// source, a staging target and its resume record path.</summary>
internal sealed class TransferTestFiles : IDisposable
{
    public TransferTestFiles(int size)
    {
        Root = Directory.CreateTempSubdirectory("modelsync-transfer-").FullName;
        Content = RandomNumberGenerator.GetBytes(size);
        SourcePath = Path.Combine(Root, "source.bin");
        File.WriteAllBytes(SourcePath, Content);
        Directory.CreateDirectory(Path.Combine(Root, "staging"));
        Directory.CreateDirectory(Path.Combine(Root, "staging.resume"));
        Spec = new FileSpec
        {
            Path = "model.bin",
            Url = new Uri(SourcePath),
            Size = size,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(Content)),
        };
        Job = new FileJob(Spec, Path.Combine(Root, "staging", "model.bin"), Path.Combine(Root, "staging.resume", "model.bin.json"), null, TimeSpan.FromSeconds(30), 1 << 20, 1, [Root]);
    }

    public string Root { get; }

    public byte[] Content { get; }

    public string SourcePath { get; }

    public FileSpec Spec { get; }

    public FileJob Job { get; }

    public void WriteResumeRecord(long bytesDone) =>
        new ResumeState { Source = ResumeState.SourceOf(Spec.Url), Size = Spec.Size, BytesDone = bytesDone }.Write(Job.StatePath);

    public FileTransfer Open()
    {
        using var client = new HttpClient();
        return FileTransfer.Open(Job, new HttpSource(client), new BandwidthLimiter(0), TimeProvider.System, _ => { });
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
