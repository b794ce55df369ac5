using System.Net;
using System.Net.Http.Headers;
using ModelSync.Daemon.Downloads;

namespace ModelSync.Daemon.Tests.Downloads;

public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("\"api\";r=0;t=55", 55)]
    [InlineData("\"resolvers\";r=2999;t=273", 273)]
    [InlineData("limit=100, remaining=0, reset=7", 7)]
    public void FromRateLimit_HuggingFaceAndIetfForms_ResetSeconds(string header, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfter.FromRateLimit(header));

    [Theory]
    [InlineData("\"api\";r=0")]
    [InlineData("garbage")]
    [InlineData("")]
    public void FromRateLimit_NoReset_Null(string header) => Assert.Null(RetryAfter.FromRateLimit(header));

    [Fact]
    public void From_RetryAfterDelta_Wins()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3));
        response.Headers.TryAddWithoutValidation("RateLimit", "\"api\";r=0;t=60");

        Assert.Equal(TimeSpan.FromSeconds(3), RetryAfter.From(response, Now));
    }

    [Fact]
    public void From_RetryAfterDate_DelayUntilThen()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(90));

        Assert.Equal(TimeSpan.FromSeconds(90), RetryAfter.From(response, Now));
    }

    [Fact]
    public void From_RetryAfterDateInThePast_Zero()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(-5));

        Assert.Equal(TimeSpan.Zero, RetryAfter.From(response, Now));
    }

    [Fact]
    public void From_OnlyRateLimit_ItsReset()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("RateLimit", "\"api\";r=0;t=12");

        Assert.Equal(TimeSpan.FromSeconds(12), RetryAfter.From(response, Now));
    }

    [Fact]
    public void From_NoHeaders_Null()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.Null(RetryAfter.From(response, Now));
    }
}
