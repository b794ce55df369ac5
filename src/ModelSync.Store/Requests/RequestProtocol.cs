using ModelSync.Store.Validation;

namespace ModelSync.Store.Requests;

/// <summary>What a request line asks (docs/store-format.md, "Requests").</summary>
public enum RequestVerb
{
    /// <summary>Fetch the model on this node and say when it is Ready.</summary>
    Want,

    /// <summary>Say whether the model is an on-demand model here; fetch nothing.</summary>
    Check,
}

/// <summary>One request as read: a verb and a model name, or why the line is not one.</summary>
public sealed record RequestLine(RequestVerb Verb, string Name);

/// <summary>What the daemon says about a model (docs/store-format.md, "Requests").</summary>
public enum AnswerKind
{
    Ready,
    Fetching,
    OnDemand,
    No,
    Failed,
    Error,
}

/// <summary>One line the daemon sends: <c>ready NAME VERSION</c>, <c>fetching NAME</c>, <c>on-demand NAME</c>,
/// <c>no NAME REASON</c>, <c>failed NAME REASON</c>, <c>error REASON</c>.</summary>
public sealed record AnswerLine(AnswerKind Kind, string? Name, string? Detail);

/// <summary>
/// The one definition of the request socket's lines, for the daemon (server) and the gate (client). Lines are
/// UTF-8, end in <c>\n</c>, and are at most <see cref="MaxLineBytes"/> bytes; names are model names
/// (<see cref="Names.IsDns1123Label"/>), so a path or a URL is never a valid request.
/// </summary>
public static class RequestProtocol
{
    public const int MaxLineBytes = 256;

    /// <summary>Requests one connection may send.</summary>
    public const int MaxRequestsPerConnection = 16;

    /// <summary>Requests one connection may send in a second.</summary>
    public const int MaxRequestsPerSecond = 8;

    /// <summary>Connections the daemon serves at once.</summary>
    public const int MaxConnections = 64;

    public static string Want(string name) => $"want {name}\n";

    public static string Check(string name) => $"check {name}\n";

    /// <summary>A request line (without its <c>\n</c>), or null with <paramref name="problem"/>.</summary>
    public static RequestLine? ParseRequest(string line, out string? problem)
    {
        problem = null;
        var parts = line.Split(' ');
        if (parts.Length != 2 || parts[0] is not ("want" or "check"))
        {
            problem = "a request is 'want NAME' or 'check NAME'";
            return null;
        }

        if (!Names.IsDns1123Label(parts[1]))
        {
            problem = "not a model name (lowercase a-z, 0-9, '-', at most 63)";
            return null;
        }

        return new(parts[0] == "want" ? RequestVerb.Want : RequestVerb.Check, parts[1]);
    }

    /// <summary>The first word of an answer of <paramref name="kind"/> (also the daemon's metric label for it).</summary>
    public static string Word(AnswerKind kind) => kind switch
    {
        AnswerKind.Ready => "ready",
        AnswerKind.Fetching => "fetching",
        AnswerKind.OnDemand => "on-demand",
        AnswerKind.No => "no",
        AnswerKind.Failed => "failed",
        _ => "error",
    };

    public static string Format(AnswerLine answer)
    {
        var word = Word(answer.Kind);
        // One line whatever the reason says: a newline in it would be a second answer.
        var text = string.Join(' ', new[] { word, answer.Name, answer.Detail }.Where(p => !string.IsNullOrEmpty(p)))
            .Replace('\n', ' ').Replace('\r', ' ');
        return (text.Length > MaxLineBytes - 1 ? text[..(MaxLineBytes - 1)] : text) + "\n";
    }

    /// <summary>A daemon's line (without its <c>\n</c>), or null when it is none of the answers.</summary>
    public static AnswerLine? ParseAnswer(string line)
    {
        var space = line.IndexOf(' ');
        var word = space < 0 ? line : line[..space];
        var rest = space < 0 ? "" : line[(space + 1)..];
        if (word == "error")
        {
            return new(AnswerKind.Error, null, rest);
        }

        var kind = word switch
        {
            "ready" => AnswerKind.Ready,
            "fetching" => AnswerKind.Fetching,
            "on-demand" => AnswerKind.OnDemand,
            "no" => AnswerKind.No,
            "failed" => AnswerKind.Failed,
            _ => (AnswerKind?)null,
        };
        if (kind is null || rest.Length == 0)
        {
            return null;
        }

        var nameEnd = rest.IndexOf(' ');
        var name = nameEnd < 0 ? rest : rest[..nameEnd];
        var detail = nameEnd < 0 ? null : rest[(nameEnd + 1)..];
        return Names.IsDns1123Label(name) ? new(kind.Value, name, detail) : null;
    }
}
