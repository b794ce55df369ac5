using System.Security.Cryptography;
using System.Text;
using ModelSync.Daemon.IntegrationTests.Infrastructure;

namespace ModelSync.Daemon.IntegrationTests.Oci;

/// <summary>Test artifacts in the formats the tools push: ModelPack (modctl), ORAS, KitOps.</summary>
internal static class OciArtifacts
{
    public const string ModelPackArtifact = "application/vnd.cncf.model.manifest.v1+json";
    public const string ModelPackConfig = "application/vnd.cncf.model.config.v1+json";
    public const string ModelPackWeightRaw = "application/vnd.cncf.model.weight.v1.raw";
    public const string ModelPackConfigRaw = "application/vnd.cncf.model.weight.config.v1.raw";
    public const string ModelPackWeightTar = "application/vnd.cncf.model.weight.v1.tar";
    public const string KitOpsConfig = "application/vnd.kitops.modelkit.config.v1+json";
    public const string KitOpsModel = "application/vnd.kitops.modelkit.model.v1.tar+gzip";
    public const string KitOpsDocs = "application/vnd.kitops.modelkit.docs.v1.tar+gzip";
    public const string OrasDefault = "application/vnd.oci.image.layer.v1.tar";

    public static readonly byte[] EmptyConfig = "{}"u8.ToArray();

    public static Dictionary<string, string> FilePath(string path) => new() { ["org.cncf.model.filepath"] = path };

    public static Dictionary<string, string> Title(string path) => new() { ["org.opencontainers.image.title"] = path };

    public static byte[] Config(string name) =>
        Encoding.UTF8.GetBytes("{\"descriptor\":{\"name\":\"" + name + "\"},\"config\":{\"format\":\"safetensors\"},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[]}}");

    /// <summary>A ModelPack artifact of raw layers: config.json and a weight file.</summary>
    public static (List<OciLayer> Layers, Dictionary<string, byte[]> Files) ModelPackRaw(int weightBytes = 3 << 20)
    {
        var config = "{\"hidden_size\": 64}\n"u8.ToArray();
        var weights = RandomNumberGenerator.GetBytes(weightBytes);
        return (
            [new(ModelPackConfigRaw, config, FilePath("config.json")), new(ModelPackWeightRaw, weights, FilePath("model.safetensors"))],
            new() { ["config.json"] = config, ["model.safetensors"] = weights });
    }
}
