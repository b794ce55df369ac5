namespace ModelSync.Store.Validation;

/// <summary>Rules for model names and versions: both become directory names in the store.</summary>
public static class Names
{
    public const int MaxNameLength = 63;
    public const int MaxVersionLength = 128;

    public static bool IsDns1123Label(string? value) =>
        value is { Length: > 0 and <= MaxNameLength }
        && IsLowerAlnum(value[0]) && IsLowerAlnum(value[^1])
        && value.All(c => IsLowerAlnum(c) || c == '-');

    public static bool IsVersion(string? value) =>
        value is { Length: > 0 and <= MaxVersionLength }
        && value is not "." and not ".."
        && char.IsAsciiLetterOrDigit(value[0])
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static bool IsLowerAlnum(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
}
