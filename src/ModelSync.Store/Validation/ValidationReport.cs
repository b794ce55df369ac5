using ModelSync.Store.Inventory;

namespace ModelSync.Store.Validation;

public enum ProblemKind
{
    NotInInventory,
    NotReady,
    UnsafePath,
    MarkerMissing,
    FileMissing,
    SizeMismatch,
    DigestMismatch,
    NoDigest,
    Unreadable,
}

public sealed record ValidationProblem(string Model, string? File, ProblemKind Kind, string Message)
{
    public override string ToString() => File is null ? $"{Model}: {Message}" : $"{Model}/{File}: {Message}";
}

/// <summary>What one requirement resolved to: the entry seen and the version that passed, if any.</summary>
public sealed record ModelCheck(ModelRequirement Requirement, ModelEntry? Entry, string? ValidVersion, IReadOnlyList<ValidationProblem> Problems)
{
    public bool IsValid => ValidVersion is not null && Problems.Count == 0;
}

public sealed record ValidationReport(IReadOnlyList<ModelCheck> Models)
{
    public bool IsValid => Models.All(m => m.IsValid);

    public IEnumerable<ValidationProblem> Problems => Models.SelectMany(m => m.Problems);
}
