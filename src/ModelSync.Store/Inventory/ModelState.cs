namespace ModelSync.Store.Inventory;

public enum ModelState
{
    Pending,
    Downloading,
    Ready,
    Failed,
}
