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
    /// <summary>True when the files checked were the entry's <c>previous</c> copy, not its own: the version may be
    /// the same one (a version being re-published with other content), so comparing versions cannot tell.</summary>
    public bool FromPrevious { get; init; }

    public bool IsValid => ValidVersion is not null && Problems.Count == 0;
}

public sealed record ValidationReport(IReadOnlyList<ModelCheck> Models)
{
    public bool IsValid => Models.All(m => m.IsValid);

    public IEnumerable<ValidationProblem> Problems => Models.SelectMany(m => m.Problems);
}
