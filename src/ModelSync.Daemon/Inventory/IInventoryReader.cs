using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Inventory;

/// <summary>The inventory as its readers see it (the failure policy, the endpoints, the progress display): entries
/// change only through the model lifecycle.</summary>
internal interface IInventoryReader
{
    ModelEntry? Find(string name);

    StoreInventory Snapshot();
}
