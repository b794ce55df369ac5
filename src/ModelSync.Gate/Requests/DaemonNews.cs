using ModelSync.Store.Requests;

namespace ModelSync.Gate.Requests;

/// <summary>
/// What came from the request socket: a daemon's line (<see cref="Answer"/>, with the request it answers, or null
/// for a later <c>ready</c>/<c>failed</c>), or the end of the connection (<see cref="Closed"/>: empty when the
/// daemon closed it, else why the gate dropped it).
/// </summary>
internal sealed record DaemonNews(RequestLine? Request, AnswerLine? Answer, string? Closed)
{
    /// <summary>Which of the channel's connections it came from (<see cref="RequestChannel.Connection"/>).</summary>
    public int Connection { get; init; }
}
