using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Sources;

/// <summary>The resolvers of one pass (<see cref="SourceKinds.Registry"/>): the first that handles a model resolves it.</summary>
internal sealed class SourceRegistry(IReadOnlyList<ISourceResolver> resolvers)
{
    public ISourceResolver For(ModelSpec model) =>
        resolvers.FirstOrDefault(r => r.Handles(model))
            ?? throw new InvalidOperationException($"no source resolver handles model {model.Name}");
}
