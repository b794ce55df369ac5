using ModelSync.Daemon.Lifecycle;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Placement;

/// <summary>Whether the node has a model (an inventory entry, or a directory under <c>models/</c>): what is kept when
/// its placement cannot be decided.</summary>
internal static class HeldModels
{
    public static Func<string, bool> Of(ModelLifecycle lifecycle, StoreLayout layout) =>
        name => lifecycle.Find(name) is not null || Directory.Exists(layout.ModelDir(name));
}
