using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ModelSync.Store.Inventory;

/// <summary>The pieces <see cref="InventoryQuickReader"/> reads objects with; each throws to give up.</summary>
internal static class QuickJson
{
    /// <summary>Which of <paramref name="names"/> the property at the reader is (the reader moved to its value); an
    /// unknown or repeated name throws, to give up.</summary>
    public static int Property(ref Utf8JsonReader reader, ref Seen seen, byte[][] names)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (reader.ValueTextEquals(names[i]))
            {
                if (seen.Has(i) || !reader.Read())
                {
                    throw new JsonException();
                }

                seen.Add(i);
                return i;
            }
        }

        throw new JsonException();
    }

    /// <summary>A string the contract requires: a null gives up, as the serializer refuses it.</summary>
    public static string Required(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException();

    /// <summary>A value read by the serializer's own metadata for its type (a null where the type allows one).</summary>
    public static T Value<T>(ref Utf8JsonReader reader, JsonTypeInfo<T> type) => JsonSerializer.Deserialize(ref reader, type)!;

    public static byte[][] Names(params string[] names) => [.. names.Select(n => System.Text.Encoding.UTF8.GetBytes(n))];

    /// <summary>Which properties of one object were read, by index.</summary>
    public struct Seen
    {
        private int bits;

        public readonly bool Has(int i) => (bits & (1 << i)) != 0;

        public void Add(int i) => bits |= 1 << i;
    }
}
