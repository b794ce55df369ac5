using System.CommandLine.Parsing;

namespace ModelSync.Daemon.Cli;

/// <summary>
/// Enum options and variables by name only (any case). Enum.TryParse, which System.CommandLine's own converter
/// uses, also takes numbers ("9") and lists ("text,json"): a typo in a pod spec would quietly mean something.
/// </summary>
internal static class EnumNames
{
    /// <summary>The option's value (a parser runs only for an option given; an absent one takes the default factory's).</summary>
    public static T? FromOption<T>(ArgumentResult result, string option)
        where T : struct, Enum =>
        Parse<T>(result, option, result.Tokens[^1].Value);

    /// <summary><paramref name="variable"/>'s value; null when it is unset or blank.</summary>
    public static T? FromEnvironment<T>(ArgumentResult result, string variable)
        where T : struct, Enum =>
        Environment.GetEnvironmentVariable(variable) is { } text && !string.IsNullOrWhiteSpace(text) ? Parse<T>(result, variable, text) : null;

    /// <summary>The member named <paramref name="text"/>; otherwise an error naming <paramref name="source"/> and listing the names.</summary>
    public static T? Parse<T>(ArgumentResult result, string source, string text)
        where T : struct, Enum
    {
        var names = Enum.GetNames<T>();
        if (names.FirstOrDefault(name => name.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase)) is { } match)
        {
            return Enum.Parse<T>(match);
        }

        result.AddError($"{source}: '{text}' is not one of {string.Join(", ", names).ToLowerInvariant()}");
        return null;
    }
}
