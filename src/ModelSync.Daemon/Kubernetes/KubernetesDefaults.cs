namespace ModelSync.Daemon.Kubernetes;

internal static class KubernetesDefaults
{
    /// <summary>One GET or PATCH of the node.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How often run mode reads the node's labels while some placement needs them: a label change is acted on
    /// within this (plus the pass it starts), well under a minute.</summary>
    public static readonly TimeSpan LabelRefresh = TimeSpan.FromSeconds(30);

    /// <summary>The prefix of warm-node labels (<c>modelsync.io/&lt;model&gt;=ready</c>); the only labels the daemon writes.</summary>
    public const string LabelPrefix = "modelsync.io/";

    public const string ReadyValue = "ready";
}
