using System.Reflection;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Sources.S3;
using Xunit;

namespace ModelSync.Daemon.Tests.Sources.S3;

/// <summary>
/// s3rver does not check signatures, so presigning is checked here against AWS's published SigV4 example
/// ("Authenticating Requests: Using Query Parameters", GET examplebucket/test.txt, 20130524T000000Z, 86400 s).
/// </summary>
[Collection(AwsClockCollection.Name)]
public sealed class S3PresignerTests
{
    private const string ExpectedSignature = "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
    private static readonly DateTime SignedAt = new(2013, 5, 24, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task PresignAsync_AwsPublishedExample_GivesItsSignature()
    {
        using var s3 = new AmazonS3Client(
            new BasicAWSCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            new AmazonS3Config { RegionEndpoint = RegionEndpoint.USEast1, USEast1RegionalEndpointValue = S3UsEast1RegionalEndpointValue.Legacy });
        // The example expires 86400 s after it was signed; the SDK reads its clock through AWSConfigs.
        var presigner = new S3Presigner(s3, endpoint: null, new FakeTimeProvider(SignedAt + TimeSpan.FromDays(1) - S3Defaults.PresignedLifetime));

        var url = await WithSdkClockAtAsync(SignedAt, () => presigner.PresignAsync("examplebucket", "test.txt", versionId: null, CancellationToken.None));

        Assert.Equal("https://examplebucket.s3.amazonaws.com/test.txt", $"{url.Scheme}://{url.Host}{url.AbsolutePath}");
        var query = url.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.Equal("AWS4-HMAC-SHA256", query["X-Amz-Algorithm"]);
        Assert.Equal("AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request", query["X-Amz-Credential"]);
        Assert.Equal("20130524T000000Z", query["X-Amz-Date"]);
        Assert.Equal("86400", query["X-Amz-Expires"]);
        Assert.Equal("host", query["X-Amz-SignedHeaders"]);
        Assert.Equal(ExpectedSignature, query["X-Amz-Signature"]);
    }

    [Fact]
    public void UnsignedUrl_Presigned_KeepsOnlyTheVersionId()
    {
        var presigned = new Uri("http://127.0.0.1:9000/models/m/a.bin?versionId=v%2B1&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc");

        Assert.Equal("http://127.0.0.1:9000/models/m/a.bin?versionId=v%2B1", S3Presigner.UnsignedUrl(presigned, "v+1").AbsoluteUri);
        Assert.Equal("http://127.0.0.1:9000/models/m/a.bin", S3Presigner.UnsignedUrl(presigned, null).AbsoluteUri);
    }

    /// <summary>The SDK has no clock to pass in; its internal one is set for this call only (tests of this
    /// collection do not run in parallel, and nothing else in this assembly signs).</summary>
    private static async Task<T> WithSdkClockAtAsync<T>(DateTime now, Func<Task<T>> call)
    {
        var field = typeof(AWSConfigs).GetField("utcNowSource", BindingFlags.Static | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("AWSConfigs.utcNowSource is gone: find the SDK's clock hook again");
        var previous = field.GetValue(null);
        field.SetValue(null, (Func<DateTime>)(() => now));
        try
        {
            return await call();
        }
        finally
        {
            field.SetValue(null, previous);
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AwsClockCollection
{
    public const string Name = "AWS SDK clock";
}
