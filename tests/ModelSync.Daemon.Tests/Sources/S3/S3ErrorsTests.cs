using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Sources.S3;
using Xunit;

namespace ModelSync.Daemon.Tests.Sources.S3;

public sealed class S3ErrorsTests
{
    [Theory]
    [InlineData("NoSuchBucket", HttpStatusCode.NotFound, FailureReason.HttpStatus, false)]
    [InlineData("NoSuchKey", HttpStatusCode.NotFound, FailureReason.HttpStatus, false)]
    [InlineData("AccessDenied", HttpStatusCode.Forbidden, FailureReason.Unauthorized, false)]
    [InlineData("InvalidAccessKeyId", HttpStatusCode.Forbidden, FailureReason.Unauthorized, false)]
    [InlineData("SlowDown", HttpStatusCode.ServiceUnavailable, FailureReason.HttpStatus, true)]
    [InlineData("InternalError", HttpStatusCode.InternalServerError, FailureReason.HttpStatus, true)]
    public void Map_S3Error_ExistingReasonAndRetryRule(string code, HttpStatusCode status, FailureReason reason, bool transient)
    {
        var error = new AmazonS3Exception("message", ErrorType.Sender, code, "request-id", status);

        var mapped = S3Errors.Map(error, "s3://models/m/a.bin", callerCancelled: false);

        Assert.Equal((reason, transient), (mapped.Reason, mapped.Transient));
        Assert.StartsWith("s3://models/m/a.bin: " + code, mapped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_ConnectionRefused_TransientUnreachable()
    {
        var mapped = S3Errors.Map(new HttpRequestException("Connection refused (127.0.0.1:1)"), "s3://models/m/", callerCancelled: false);

        Assert.Equal((FailureReason.SourceUnreachable, true), (mapped.Reason, mapped.Transient));
    }

    [Fact]
    public void Map_NoCredentialsInTheChain_Unauthorized()
    {
        var mapped = S3Errors.Map(new AmazonClientException("Failed to resolve AWS credentials."), "s3://models/m/", callerCancelled: false);

        Assert.Equal((FailureReason.Unauthorized, false), (mapped.Reason, mapped.Transient));
    }
}
