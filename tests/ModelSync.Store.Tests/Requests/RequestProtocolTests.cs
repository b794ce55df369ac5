using ModelSync.Store.Requests;

namespace ModelSync.Store.Tests.Requests;

/// <summary>The request socket's lines (docs/store-format.md, "Requests"): what both sides parse and write.</summary>
public sealed class RequestProtocolTests
{
    [Theory]
    [InlineData("want lora-a", RequestVerb.Want, "lora-a")]
    [InlineData("check m1", RequestVerb.Check, "m1")]
    public void ParseRequest_ValidLine_VerbAndName(string line, RequestVerb verb, string name)
    {
        Assert.Equal(new RequestLine(verb, name), RequestProtocol.ParseRequest(line, out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("want ../../etc/passwd", "not a model name")]
    [InlineData("want http://127.0.0.1/x", "not a model name")]
    [InlineData("want /var/lib/k3s-storage", "not a model name")]
    [InlineData("want Lora", "not a model name")]
    [InlineData("delete lora", "a request is")]
    [InlineData("want a b", "a request is")]
    [InlineData("", "a request is")]
    public void ParseRequest_NotARequest_NullWithWhy(string line, string why)
    {
        Assert.Null(RequestProtocol.ParseRequest(line, out var problem));
        Assert.StartsWith(why, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_ThenParse_RoundTrips_AndAReasonWithNewlinesStaysOneLine()
    {
        var failed = new AnswerLine(AnswerKind.Failed, "m", "no room\nready m v9");

        var text = RequestProtocol.Format(failed);

        Assert.Equal("failed m no room ready m v9\n", text);
        Assert.Equal(failed with { Detail = "no room ready m v9" }, RequestProtocol.ParseAnswer(text.TrimEnd('\n')));
        Assert.Equal(new AnswerLine(AnswerKind.Ready, "m", "v1"), RequestProtocol.ParseAnswer("ready m v1"));
        Assert.Equal(new AnswerLine(AnswerKind.Error, null, "busy"), RequestProtocol.ParseAnswer("error busy"));
        Assert.Null(RequestProtocol.ParseAnswer("ready ../x v1"));
        Assert.Null(RequestProtocol.ParseAnswer("hello"));
    }

    [Fact]
    public void Format_LongReason_CutToOneLineOfAtMostMaxLineBytes()
    {
        var text = RequestProtocol.Format(new AnswerLine(AnswerKind.No, "m", new string('x', 1000)));

        Assert.Equal(RequestProtocol.MaxLineBytes, text.Length);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
    }
}
