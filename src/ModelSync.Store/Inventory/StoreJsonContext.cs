using System.Text.Json.Serialization;

namespace ModelSync.Store.Inventory;

/// <summary>Source-generated JSON for every store document: no reflection, so the AOT gate can read them.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    RespectNullableAnnotations = true,
    AllowTrailingCommas = false)]
[JsonSerializable(typeof(StoreInventory))]
[JsonSerializable(typeof(ModelMarker))]
[JsonSerializable(typeof(LiveState))]
public sealed partial class StoreJsonContext : JsonSerializerContext;
