using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Tests.Manifest;

/// <summary>Each rule of docs/manifest.md broken alone: exactly one problem, with its exact position and text.</summary>
public sealed class ManifestRuleTests
{
    private const string Xxh = "0123456789abcdef0123456789abcdef";
    private const string ModelsEmpty = "\nmodels: []";

    /// <summary>One model whose keys start at line 2, column 5.</summary>
    private static string Model(params string[] keys) => "models:\n  - " + string.Join("\n    ", keys);

    /// <summary>A valid model whose only file's keys start at line 6, column 9.</summary>
    private static string File(params string[] keys) =>
        Model("name: m", "version: \"1\"", "baseUrl: http://127.0.0.1/m/", "files:") + "\n      - " + string.Join("\n        ", keys);

    public static TheoryData<string, string> Cases => new()
    {
        { "store:\n  root: relative" + ModelsEmpty, "t.yaml:2:9: store.root: must be an absolute path, got 'relative'" },
        { "store:\n  capacity: 0" + ModelsEmpty, "t.yaml:2:13: store.capacity: must be greater than 0, got '0'" },
        { "store:\n  capacity: 1Gi\n  reserve: 1Gi" + ModelsEmpty, "t.yaml:2:13: store.capacity: must be larger than store.reserve (1 GiB), got 1 GiB" },
        { "store:\n  reserve: 10GB" + ModelsEmpty, "t.yaml:2:12: store.reserve: unknown size unit 'GB' in '10GB': use Ki, Mi, Gi, Ti (powers of 1024) or k, M, G, T (powers of 1000)" },
        { "store:\n  reserve: 95%" + ModelsEmpty, "t.yaml:2:12: store.reserve: must be a percentage from 0% to 90% of the filesystem, or a size; got '95%'" },
        { "store:\n  reserve: -5%" + ModelsEmpty, "t.yaml:2:12: store.reserve: must be a percentage from 0% to 90% of the filesystem, or a size; got '-5%'" },
        { "store:\n  reserve: ten%" + ModelsEmpty, "t.yaml:2:12: store.reserve: must be a percentage from 0% to 90% of the filesystem, or a size; got 'ten%'" },
        { "store:\n  keepVersions: -1" + ModelsEmpty, "t.yaml:2:17: store.keepVersions: must be at least 0, got -1" },
        { "store:\n  keepVersions: \"1\"" + ModelsEmpty, "t.yaml:2:17: store.keepVersions: must be an integer, got '1'" },
        { "store: [1]" + ModelsEmpty, "t.yaml:1:8: store: must be a mapping, not a list" },
        { "sync:\n  interval: 0s" + ModelsEmpty, "t.yaml:2:13: sync.interval: must be greater than 0, got '0s'" },
        { "sync:\n  verifyInterval: 1d" + ModelsEmpty, "t.yaml:2:19: sync.verifyInterval: must be a duration like 500ms, 30s, 5m or 1h30m, got '1d'; days are not a unit: write 24h" },
        { "sync:\n  interval: 1.5d" + ModelsEmpty, "t.yaml:2:13: sync.interval: must be a duration like 500ms, 30s, 5m or 1h30m, got '1.5d'; days are not a unit: write 36h" },
        { "sync:\n  verifyInterval: 1w" + ModelsEmpty, "t.yaml:2:19: sync.verifyInterval: must be a duration like 500ms, 30s, 5m or 1h30m, got '1w'; weeks are not a unit: write 168h" },
        { "sync:\n  interval: 5" + ModelsEmpty, "t.yaml:2:13: sync.interval: must be a duration like 500ms, 30s, 5m or 1h30m, got '5'" },
        { "sync:\n  concurrency: 65" + ModelsEmpty, "t.yaml:2:16: sync.concurrency: must be between 1 and 64, got 65" },
        { "sync:\n  concurrency: 1.5" + ModelsEmpty, "t.yaml:2:16: sync.concurrency: must be an integer, got '1.5'" },
        { "sync:\n  concurrency: {}" + ModelsEmpty, "t.yaml:2:16: sync.concurrency: must be an integer, got a mapping" },
        { "sync:\n  retry: { maxAttempts: 0 }" + ModelsEmpty, "t.yaml:2:25: sync.retry.maxAttempts: must be at least 1, got 0" },
        { "sync:\n  retry: { baseDelay: 3m }" + ModelsEmpty, "t.yaml:2:23: sync.retry.baseDelay: must not exceed sync.retry.maxDelay (2m), got 3m" },
        { "sync:\n  retry: 5" + ModelsEmpty, "t.yaml:2:10: sync.retry: must be a mapping, not a scalar" },
        { "sync:\n  stallTimeout: 0" + ModelsEmpty, "t.yaml:2:17: sync.stallTimeout: must be greater than 0, got '0'" },
        { "sync:\n  bandwidthLimit: -1" + ModelsEmpty, "t.yaml:2:19: sync.bandwidthLimit: must be a size like 10Gi, 512Mi, 1G or 1000 (bytes), got '-1'" },
        { "sync:\n  proxy: file:///run/proxy" + ModelsEmpty, "t.yaml:2:10: sync.proxy: must be an absolute http or https URL, got 'file:///run/proxy'" },
        { "sync:\n  verifyInterval: soon" + ModelsEmpty, "t.yaml:2:19: sync.verifyInterval: must be a duration like 500ms, 30s, 5m or 1h30m, got 'soon'" },
        { "sync:\n  segmentSize: 0" + ModelsEmpty, "t.yaml:2:16: sync.segmentSize: must be at least 1 MiB, got '0'" },
        { "sync:\n  segmentSize: 64" + ModelsEmpty, "t.yaml:2:16: sync.segmentSize: must be at least 1 MiB, got '64'" },
        { "sync:\n  segmentsPerFile: 33" + ModelsEmpty, "t.yaml:2:20: sync.segmentsPerFile: must be between 1 and 32, got 33" },
        { "store: {}", "t.yaml:1:1: models: is required" },
        { "models: {}", "t.yaml:1:9: models: must be a list, not a mapping" },
        { "models: [5]", "t.yaml:1:10: models[0]: must be a mapping, not a scalar" },
        { Model("name: Fin_BERT", "version: v1", $"files: [{{ path: a, size: 1, xxh128: {Xxh}, url: http://h/a }}]"),
            "t.yaml:2:11: models[0].name: must be a DNS-1123 label (lowercase letters, digits and '-', alphanumeric at both ends, at most 63 characters), got 'Fin_BERT'" },
        { Model("version: v1", $"files: [{{ path: a, size: 1, xxh128: {Xxh}, url: http://h/a }}]"), "t.yaml:2:5: models[0].name: is required" },
        { File("path: a", "size: 1", $"xxh128: {Xxh}").Replace("\"1\"", "\"../1\"", StringComparison.Ordinal),
            "t.yaml:3:14: models[0].version: must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (at most 128 characters), got '../1'" },
        { File("path: a", "size: 1", $"xxh128: {Xxh}").Replace("http://127.0.0.1/m/", "ftp://h/m/", StringComparison.Ordinal),
            "t.yaml:4:14: models[0].baseUrl: must be an absolute http, https or file URL, got 'ftp://h/m/'" },
        { File("path: a", "size: 1", $"xxh128: {Xxh}").Replace("http://127.0.0.1/m/", "/mnt/m", StringComparison.Ordinal),
            "t.yaml:4:14: models[0].baseUrl: must be an absolute http, https or file URL, got '/mnt/m'" },
        { File("path: a", "size: 1", $"xxh128: {Xxh}").Replace("http://127.0.0.1/m/", "http://u:p@h/m/", StringComparison.Ordinal),
            "t.yaml:4:14: models[0].baseUrl: must not contain credentials (user:password@); use auth.bearerTokenFile" },
        { File("path: a", "size: 1", $"xxh128: {Xxh}").Replace("http://127.0.0.1/m/", "http://h/m/?x=1", StringComparison.Ordinal),
            "t.yaml:4:14: models[0].baseUrl: must not have a ?query (give such files their own url), got 'http://h/m/?x=1'" },
        { File("path: a", "size: 1", $"xxh128: {Xxh}").Replace("files:", "auth: { bearerTokenFile: token }\n    files:", StringComparison.Ordinal),
            "t.yaml:5:30: models[0].auth.bearerTokenFile: must be an absolute path, got 'token'" },
        { File("path: a", "size: 1", $"xxh128: {Xxh}").Replace("files:", "auth: {}\n    files:", StringComparison.Ordinal),
            "t.yaml:5:11: models[0].auth.bearerTokenFile: is required" },
        { Model("name: m", "version: v1", "baseUrl: http://h/"), "t.yaml:2:5: models[0].files: is required" },
        { Model("name: m", "version: v1", "baseUrl: http://h/", "files: []"), "t.yaml:5:12: models[0].files: must list at least one file" },
        { File("path: /etc/passwd", "size: 1", $"xxh128: {Xxh}"), "t.yaml:6:15: models[0].files[0].path: path '/etc/passwd' is absolute" },
        { File("path: a//b", "size: 1", $"xxh128: {Xxh}"), "t.yaml:6:15: models[0].files[0].path: path 'a//b' has a '' segment" },
        { File("path: .modelsync.json", "size: 1", $"xxh128: {Xxh}"), "t.yaml:6:15: models[0].files[0].path: '.modelsync.json' is reserved for the store's own files (.modelsync.json, .modelsync.salvage.json)" },
        { File("path: .modelsync.salvage.json", "size: 1", $"xxh128: {Xxh}"), "t.yaml:6:15: models[0].files[0].path: '.modelsync.salvage.json' is reserved for the store's own files (.modelsync.json, .modelsync.salvage.json)" },
        { File("path: a", $"xxh128: {Xxh}"), "t.yaml:6:9: models[0].files[0].size: is required" },
        { File("path: a", "size: -5", $"xxh128: {Xxh}"), "t.yaml:7:15: models[0].files[0].size: must be a size like 10Gi, 512Mi, 1G or 1000 (bytes), got '-5'" },
        { File("path: a", "size: 0.5", $"xxh128: {Xxh}"), "t.yaml:7:15: models[0].files[0].size: size '0.5' is not a whole number of bytes" },
        { File("path: a", "size: 1"), "t.yaml:6:9: models[0].files[0]: needs at least one digest: sha256 or xxh128" },
        { File("path: a", "size: 1", "sha256: 0123"), "t.yaml:8:17: models[0].files[0].sha256: must be 64 hex characters, got '0123' (4 characters)" },
        { File("path: a", "size: 1", $"xxh128: {Xxh}g"), $"t.yaml:8:17: models[0].files[0].xxh128: must be 32 hex characters, got '{Xxh}g' (33 characters)" },
        { File("path: a", "size: 1", $"xxh128: {Xxh}", "url: mirror/a"), "t.yaml:9:14: models[0].files[0].url: must be an absolute http, https or file URL, got 'mirror/a'" },
        { File("path: a", "size: 1", $"xxh128: {Xxh}").Replace("    baseUrl: http://127.0.0.1/m/\n", "", StringComparison.Ordinal),
            "t.yaml:5:9: models[0].files[0].url: is required when the model has no baseUrl" },
        { File("path: a", "size: 1", $"xxh128: {Xxh}") + $"\n      - {{ path: a, size: 1, xxh128: {Xxh} }}",
            "t.yaml:9:17: models[0].files[1].path: duplicate path 'a' (also files[0])" },
        { File("path: a", "size: 1", $"xxh128: {Xxh}") + $"\n      - {{ path: a/b, size: 1, xxh128: {Xxh} }}",
            "t.yaml:9:17: models[0].files[1].path: path 'a/b' conflicts with files[0] 'a': one would have to be a directory" },
        { File("path: a", "size: 1", $"xxh128: {Xxh}") + "\n  - " + File("path: a", "size: 1", $"xxh128: {Xxh}")[12..],
            "t.yaml:9:11: models[1].name: duplicate model name 'm' (also models[0])" },
        { File("path: Model.bin", "size: 1", $"xxh128: {Xxh}") + $"\n      - {{ path: model.bin, size: 1, xxh128: {Xxh} }}",
            "t.yaml:9:17: models[0].files[1].path: path 'model.bin' differs from files[0] 'Model.bin' only by case" },
        { "store:\n  capacity: 1Ki\n  reserve: 0\n" + File("path: a", "size: 1Ki", $"xxh128: {Xxh}") + $"\n      - {{ path: b, size: 512, xxh128: {Xxh} }}",
            "t.yaml:2:13: store.capacity: the models need 1.5 KiB in all (the largest, 'm', 1.5 KiB), more than the capacity of 1 KiB" },
        { "sync:\n  allowedFileRoots: [srv/models]" + ModelsEmpty, "t.yaml:2:22: sync.allowedFileRoots: must be absolute paths without '..', got 'srv/models'" },
        { "sync:\n  allowedFileRoots: [/srv/../etc]" + ModelsEmpty, "t.yaml:2:22: sync.allowedFileRoots: must be absolute paths without '..', got '/srv/../etc'" },
        { "sync:\n  allowedFileRoots: /srv" + ModelsEmpty, "t.yaml:2:21: sync.allowedFileRoots: must be a list, not a scalar" },
        { File("path: a", "size: 1", $"xxh128: {Xxh}").Replace("http://127.0.0.1/m/", "file:///srv/m/", StringComparison.Ordinal),
            "t.yaml:4:14: models[0].baseUrl: file:// sources are off: list the directory of '/srv/m/' in sync.allowedFileRoots" },
        { "sync:\n  allowedFileRoots: [/srv/models]\n" + File("path: a", "size: 1", $"xxh128: {Xxh}", "url: file:///srv/models/../../etc/shadow"),
            "t.yaml:11:14: models[0].files[0].url: '/etc/shadow' is outside sync.allowedFileRoots (/srv/models)" },
        { "sync:\n  allowedFileRoots: [/srv/models]\n" + File("path: a", "size: 1", $"xxh128: {Xxh}", "url: file:///srv/models-evil/a"),
            "t.yaml:11:14: models[0].files[0].url: '/srv/models-evil/a' is outside sync.allowedFileRoots (/srv/models)" },
        { Model("name: m", "source: https://huggingface.co/org/repo"), "t.yaml:3:13: models[0].source: must be hf://ORG/REPO[@REVISION], got 'https://huggingface.co/org/repo' (or oci://HOST/REPO:TAG, ollama://MODEL:TAG)" },
        { Model("name: m", "source: hf://org/repo", "version: v1"),
            "t.yaml:4:14: models[0].version: not with source: the version is the commit the revision resolves to (pin one with @COMMIT)" },
        { Model("name: m", "source: hf://org/repo", $"files: [{{ path: a, size: 1, xxh128: {Xxh} }}]"),
            "t.yaml:4:12: models[0].files: not with source: the hub lists the files (narrow them with include/exclude)" },
        { Model("name: m", "source: hf://org/repo", "include: [\"[ab].bin\"]"), "t.yaml:4:15: models[0].include: must be a non-empty pattern of '*' and '?' (no [sets]), got '[ab].bin'" },
        { File("path: a", "size: 1", $"xxh128: {Xxh}").Replace("files:", "exclude: [\"*.onnx\"]\n    files:", StringComparison.Ordinal),
            "t.yaml:5:14: models[0].exclude: only with source: hf://..., oci://... or s3://..." },
        { Model("name: m", "source: oci://reg.local:5000/Org/model:v1"),
            "t.yaml:3:13: models[0].source: 'Org/model' is not a repository name (lowercase letters, digits and '.', '_', '__', '-' between them, '/' between components)" },
        { Model("name: m", "source: oci://reg.local/org/model@sha256:abc"), "t.yaml:3:13: models[0].source: 'sha256:abc' is not a digest (sha256: and 64 lowercase hex digits)" },
        { Model("name: m", "source: oci://reg.local/org/model:.bad"),
            "t.yaml:3:13: models[0].source: '.bad' is not a tag (letters, digits, '_', '.', '-'; at most 128, not starting with '.' or '-')" },
        { Model("name: m", "source: oci://reg.local/org/model:v1", "version: v1"),
            "t.yaml:4:14: models[0].version: not with source: the version is the manifest digest the tag resolves to (pin one with @sha256:DIGEST)" },
        { Model("name: m", "source: oci://reg.local/org/model:v1", "auth: { bearerTokenFile: /run/token }"),
            "t.yaml:4:30: models[0].auth.bearerTokenFile: not with source: oci://... (use dockerConfigFile: a docker config.json)" },
        { Model("name: m", "source: oci://reg.local/org/model:v1", "auth: { dockerConfigFile: config.json }"),
            "t.yaml:4:31: models[0].auth.dockerConfigFile: must be an absolute path, got 'config.json'" },
        { Model("name: m", "source: hf://org/repo", "auth: { dockerConfigFile: /run/config.json }"),
            "t.yaml:4:31: models[0].auth.dockerConfigFile: only with source: oci://..." },
        { "sync:\n  insecureRegistries: [http://reg.local:5000]" + ModelsEmpty,
            "t.yaml:2:24: sync.insecureRegistries: must be HOST or HOST:PORT (no scheme, no path), got 'http://reg.local:5000'" },
        { "sync:\n  dockerConfigFile: docker/config.json" + ModelsEmpty, "t.yaml:2:21: sync.dockerConfigFile: must be an absolute path, got 'docker/config.json'" },
        { Model("name: m", "source: s3://Models/llm/"), "t.yaml:3:13: models[0].source: 'Models' is not a bucket name (3-63 lowercase letters, digits, '.' and '-', alphanumeric at both ends)" },
        { Model("name: m", "source: s3://models/llm/", "version: v1"),
            "t.yaml:4:14: models[0].version: not with source: the version is derived from the listing (keys, sizes, ETags, version ids)" },
        { Model("name: m", "source: s3://models/llm/", "verify: full"),
            "t.yaml:4:13: models[0].verify: the only value is 'size' (accept an object nothing vouches for on its size), got 'full'" },
        { Model("name: m", "source: s3://models/llm/", "digests: [{ path: a.bin }]"), "t.yaml:4:15: models[0].digests[0]: needs at least one digest: sha256 or xxh128" },
        { File("path: a", "size: 1", $"xxh128: {Xxh}").Replace("files:", "verify: size\n    files:", StringComparison.Ordinal),
            "t.yaml:5:13: models[0].verify: only with source: s3://..." },
        { "sync:\n  s3: { forcePathStyle: maybe }" + ModelsEmpty, "t.yaml:2:25: sync.s3.forcePathStyle: must be true or false, got 'maybe'" },
        { "sync:\n  hfEndpoint: ftp://mirror" + ModelsEmpty, "t.yaml:2:15: sync.hfEndpoint: must be an absolute http or https URL, got 'ftp://mirror'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Load_OneRuleBroken_ExactlyThatProblem(string yaml, string expected)
    {
        var result = ManifestLoaderTests.Load(yaml);

        Assert.Null(result.Manifest);
        Assert.Equal([expected], result.Problems.Select(p => p.ToString()));
    }
}
