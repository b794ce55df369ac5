namespace ModelSync.Store.Validation;

public enum VerifyMode
{
    /// <summary>Each file exists with the recorded size: cheap enough for every pod start.</summary>
    Size,

    /// <summary>Each file is re-hashed (xxh128 when recorded, else sha256).</summary>
    Full,
}
