#!/usr/bin/env bash
# What the daemon costs on a node, native (what ships) side by side with the framework-dependent
# build it replaced, in one run. Writes bench/FOOTPRINT.md.
#   image size         localhost/modelsync-daemon:TAG-{amd64,arm64} (scripts/deploy-images.sh), and what
#                      the framework-dependent image carried (its publish output + the ASP.NET runtime)
#   idle RSS           run mode, after a reconcile and 100 rounds of the status page (/, /status) and /metrics
#   start to /healthz  process start to the first 200 (median of START_RUNS)
#   many small files   SMALL_FILES x 50 KB: sync vs aria2c -j16, wall and peak RSS (median of RUNS)
#   one large file     LARGE_MIB MiB: sync vs curl -o, wall and peak RSS (median of RUNS)
# usage: bash bench/footprint.sh     (RUNS=3 START_RUNS=7 SMALL_FILES=2000 LARGE_MIB=1024 TAG=dev
#                                     BENCH_WORK=/var/tmp/modelsync-footprint BENCH_OUT=bench/FOOTPRINT.md)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
runs=${RUNS:-3}
start_runs=${START_RUNS:-7}
small_files=${SMALL_FILES:-2000}
large_mib=${LARGE_MIB:-1024}
tag=${TAG:-dev}
work=${BENCH_WORK:-/var/tmp/modelsync-footprint}
out=${BENCH_OUT:-$repo/bench/FOOTPRINT.md}
# shellcheck source=scripts/lib/nginx.sh
source scripts/lib/nginx.sh
# shellcheck source=scripts/deploy-lib.sh
source scripts/deploy-lib.sh # mb, free_port, and podman's settings for this machine

if [ ! -x artifacts/daemon/ModelSync.Daemon ] || [ -e artifacts/daemon/ModelSync.Daemon.dll ]; then
  bash scripts/publish.sh --arch x64 daemon
fi
native=$repo/artifacts/daemon/ModelSync.Daemon
rm -rf "$work"
mkdir -p "$work/src" "$work/dl"
echo "footprint: publishing the framework-dependent build for comparison"
# Its own intermediate and output paths: the AOT publish of the same RID compiles from obj/, which this must not overwrite.
dotnet publish src/ModelSync.Daemon -c Release -nologo -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -p:IntermediateOutputPath="$work/fd-obj/" -p:OutputPath="$work/fd-bin/" -o "$work/fd" -clp:ErrorsOnly >/dev/null
fd=$work/fd/ModelSync.Daemon
dotnet build-server shutdown >/dev/null 2>&1 || true # its compiler servers would share the cores with what is measured
# The native daemon runs with the GC settings its image gives it (deploy/images/daemon.Containerfile).
gc_env=$(grep -oE 'DOTNET_GCgen0size=[0-9a-fA-F]+' deploy/images/daemon.Containerfile)
native_cmd="env $gc_env $native"
declare -A bins=([native]=$native_cmd [framework-dependent]=$fd)
builds=(native framework-dependent)

port=$(free_port)

# --- content: SMALL_FILES x 50 KB in 20 directories, one LARGE_MIB file, and their manifests.
echo "footprint: making $small_files x 50 KB files and a $large_mib MiB file"
python3 - "$work" "$small_files" "$port" <<'EOF'
import hashlib, os, sys
work, n, port = sys.argv[1], int(sys.argv[2]), sys.argv[3]
entries, urls = [], []
for i in range(n):
    data = os.urandom(50 * 1024)
    path = f"d{i % 20:02d}/f{i:05d}.bin"
    os.makedirs(f"{work}/src/small/{os.path.dirname(path)}", exist_ok=True)
    with open(f"{work}/src/small/{path}", "wb") as f:
        f.write(data)
    entries.append(f"      - {{ path: {path}, size: {len(data)}, sha256: {hashlib.sha256(data).hexdigest()} }}\n")
    urls.append(f"http://127.0.0.1:{port}/small/{path}\n  out={path}\n")
with open(f"{work}/small.yaml", "w") as f:
    f.write(f"store: {{ root: {work}/dl/store-small, reserve: 1Gi }}\nsync: {{ concurrency: 1 }}\nmodels:\n"
            f"  - name: small\n    version: v1\n    baseUrl: http://127.0.0.1:{port}/small/\n    files:\n" + "".join(entries))
with open(f"{work}/idle.yaml", "w") as f:  # run mode's model: ten of those files
    f.write(f"store: {{ root: {work}/dl/store-idle, reserve: 1Gi }}\nsync: {{ interval: 1h }}\nmodels:\n"
            f"  - name: idle\n    version: v1\n    baseUrl: http://127.0.0.1:{port}/small/\n    files:\n" + "".join(entries[:10]))
with open(f"{work}/idle-image.yaml", "w") as f:  # the same in the image, its store where the DaemonSet mounts it
    f.write(f"store: {{ root: /var/lib/k3s-storage/ml-models, reserve: 1Gi }}\nsync: {{ interval: 1h }}\nmodels:\n"
            f"  - name: idle\n    version: v1\n    baseUrl: http://127.0.0.1:{port}/small/\n    files:\n" + "".join(entries[:10]))
with open(f"{work}/small.urls", "w") as f:
    f.write("".join(urls))
EOF
head -c "$((large_mib << 20))" /dev/urandom >"$work/src/large.bin"
cat >"$work/large.yaml" <<EOF
store: { root: $work/dl/store-large, reserve: 1Gi }
sync: { concurrency: 1 }
models:
  - name: large
    version: v1
    baseUrl: http://127.0.0.1:$port/
    files:
      - { path: large.bin, size: $(stat -c %s "$work/src/large.bin"), sha256: $(sha256sum "$work/src/large.bin" | cut -c1-64) }
EOF
start_nginx "$work/src" "$port" "$work"
trap stop_nginx EXIT
cat "$work/src/large.bin" >/dev/null

sync # the content's writeback (over 1 GiB) would share the disk with what is timed
sleep 10
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# --- image sizes
podman image exists "localhost/modelsync-daemon:$tag-amd64" || { echo "footprint: no localhost/modelsync-daemon:$tag-amd64: run scripts/deploy-images.sh first" >&2; exit 1; }
declare -A image
for arch in amd64 arm64; do
  image[$arch]=$(podman image inspect --format '{{.Size}}' "localhost/modelsync-daemon:$tag-$arch" 2>/dev/null || echo 0)
done
dotnet_root=${DOTNET_ROOT:-/usr/share/dotnet}
fd_bytes=$(du -cb "$work/fd" "$dotnet_root"/shared/Microsoft.NETCore.App/10.* "$dotnet_root"/shared/Microsoft.AspNetCore.App/10.* | tail -1 | cut -f1)

# --- start to /healthz, and idle RSS after a reconcile + page/metrics traffic, per build; and in the image
# as the DaemonSet runs it (user 65532, read-only root, no capabilities), its RSS read from the host's /proc.
mkdir -p "$work/dl/store-image" && chmod 0777 "$work/dl/store-image"
python3 - "$work" "$start_runs" "$native" "$fd" "$gc_env" "localhost/modelsync-daemon:$tag-amd64" >"$work/run-mode.txt" <<'EOF'
import http.client, os, socket, statistics, subprocess, sys, time
work, runs, native, fd, gc_env, image = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
manifest = f"{work}/idle.yaml"

def port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def get(p, path):
    c = http.client.HTTPConnection("127.0.0.1", p, timeout=5)
    try:
        c.request("GET", path); r = c.getresponse(); r.read(); return r.status
    finally:
        c.close()

def start(binary, p):
    env = dict(os.environ, MODELSYNC_NODE="footprint", MODELSYNC_LOG_FORMAT="text")
    if binary == native:
        env.update([gc_env.split("=", 1)])
    return subprocess.Popen([binary, "run", "--manifest", manifest, "--listen", f"http://127.0.0.1:{p}"],
                            stdout=subprocess.DEVNULL, stderr=open(f"{work}/run.log", "a"), env=env)

def rss(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

def idle(pid, p):
    """VmRSS 5 s after the first reconcile and 100 x (/, /status, /metrics); 0.5 s after one more round; 5 s after 30 scrapes more."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:  # the first reconcile done: /readyz 200
        try:
            if get(p, "/readyz") == 200: break
        except OSError:
            pass
        time.sleep(0.2)
    for _ in range(100):
        for path in ("/", "/status", "/metrics"):
            assert get(p, path) == 200, path
    time.sleep(5)
    quiet = rss(pid)
    for path in ("/", "/status", "/metrics"):
        get(p, path)
    time.sleep(0.5)
    viewed = rss(pid)
    for _ in range(30):  # a while of scrapes, as Prometheus makes them: the next trim comes after 1 MiB of them
        assert get(p, "/metrics") == 200
    time.sleep(5)
    return quiet, viewed, rss(pid)

for name, binary in (("native", native), ("framework-dependent", fd)):
    times = []
    for _ in range(runs):
        p = port(); t0 = time.monotonic(); proc = start(binary, p)
        while True:
            try:
                if get(p, "/healthz") == 200: break
            except OSError:
                pass
            time.sleep(0.002)
        times.append((time.monotonic() - t0) * 1000)
        proc.terminate(); proc.wait()
    p = port(); proc = start(binary, p)
    quiet, viewed, scraped = idle(proc.pid, p)
    proc.terminate(); proc.wait()
    print(name, f"{statistics.median(times):.0f}", "/".join(f"{t:.0f}" for t in times), quiet, viewed, scraped)

p = port(); box = "modelsync-footprint-idle"
subprocess.run(["podman", "rm", "-f", box], capture_output=True)
subprocess.run(["podman", "run", "-d", "--name", box, "--network", "host", "--read-only", "--user", "65532:65532",
                "--cap-drop", "ALL", "-e", "MODELSYNC_NODE=footprint",
                "-v", f"{work}/idle-image.yaml:/etc/modelsync/models.yaml:ro",
                "-v", f"{work}/dl/store-image:/var/lib/k3s-storage/ml-models",
                image, "run", "--manifest", "/etc/modelsync/models.yaml", "--listen", f"http://127.0.0.1:{p}"],
               check=True, stdout=subprocess.DEVNULL)
try:
    pid = int(subprocess.check_output(["podman", "inspect", "-f", "{{.State.Pid}}", box]))
    quiet, viewed, scraped = idle(pid, p)
    print("image - -", quiet, viewed, scraped)
finally:
    subprocess.run(["podman", "rm", "-f", "-t", "2", box], capture_output=True)
EOF

# --- transfers: median wall and peak RSS of RUNS runs, round robin
declare -A walls rss cmd prep
names=()
tool() { names+=("$1"); prep[$1]=$2; cmd[$1]=$3; walls[$1]=""; rss[$1]=0; }
for b in "${builds[@]}"; do
  tool "$b sync ${small_files}x50KB" "rm -rf $work/dl/store-small" "${bins[$b]} sync -m $work/small.yaml"
done
tool "aria2c -j16 ${small_files}x50KB" "rm -rf $work/dl/aria" "aria2c -q -j16 --allow-overwrite=true -d $work/dl/aria -i $work/small.urls"
for b in "${builds[@]}"; do
  tool "$b sync ${large_mib} MiB" "rm -rf $work/dl/store-large" "${bins[$b]} sync -m $work/large.yaml"
done
tool "curl ${large_mib} MiB" "rm -f $work/dl/large.bin" "curl -sS -o $work/dl/large.bin http://127.0.0.1:$port/large.bin"
for ((i = -1; i < runs; i++)); do
  for name in "${names[@]}"; do
    bash -c "${prep[$name]}"
    sync
    /usr/bin/time -f "%e %M" -o "$work/time" bash -c "${cmd[$name]}" >/dev/null 2>"$work/cmd.log" || { echo "footprint: $name failed"; cat "$work/cmd.log"; exit 1; }
    read -r t m <"$work/time"
    ((i < 0)) && continue
    walls[$name]+="$t "
    ((m > rss[$name])) && rss[$name]=$m
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
# shellcheck disable=SC2086 # the run times are space-separated on purpose
median() { printf '%s\n' $1 | sort -n | sed -n "$(((runs + 1) / 2))p"; }
# KiB (VmRSS, /usr/bin/time's %M) as MiB and as MB, one decimal: the targets are in MB, and a rounded-down MiB hid 2 MB.
kib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB (%.1f MB)", k / 1024, k * 1.024 / 1000 }'; }

{
  echo "# Footprint: the native daemon (what ships) and the framework-dependent build, side by side"
  echo
  echo "Reproduce: \`bash bench/footprint.sh\` (RUNS=$runs START_RUNS=$start_runs SMALL_FILES=$small_files LARGE_MIB=$large_mib, after \`bash scripts/deploy-images.sh\`). Generated $(date -u +%Y-%m-%dT%H:%MZ)."
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ { print $2 }') GiB RAM."
  echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after. Other builds share this machine unless the load says otherwise: treat the timings as noisy."
  echo
  echo "| | native | framework-dependent | target |"
  echo "|---|---:|---:|---:|"
  echo "| daemon image (amd64) | $(mb "${image[amd64]}") | $(mb "$fd_bytes") of app + runtime on top of the base | ≤ 40 MB |"
  echo "| daemon image (arm64) | $(mb "${image[arm64]}") | (none was shipped) | ≤ 40 MB |"
  read -r _ n_start n_all n_idle n_viewed n_scraped < <(grep '^native ' "$work/run-mode.txt")
  read -r _ f_start f_all f_idle f_viewed f_scraped < <(grep '^framework-dependent ' "$work/run-mode.txt")
  read -r _ _ _ i_idle i_viewed i_scraped < <(grep '^image ' "$work/run-mode.txt")
  echo "| idle RSS, run mode, after a reconcile + 100 × (/, /status, /metrics) | $(kib "$n_idle") | $(kib "$f_idle") | ≤ 40 MB |"
  echo "| the same, the amd64 image as the DaemonSet runs it (user 65532, read-only root) | $(kib "$i_idle") | | ≤ 40 MB |"
  echo "| RSS 0.5 s after one more round of views, before the next idle trim (binary; image) | $(kib "$n_viewed"); $(kib "$i_viewed") | $(kib "$f_viewed") | |"
  echo "| RSS 5 s after 30 more scrapes of /metrics (binary; image) | $(kib "$n_scraped"); $(kib "$i_scraped") | $(kib "$f_scraped") | |"
  echo "| start to /healthz 200, median ms (runs) | $n_start ($n_all) | $f_start ($f_all) | ≤ 150 ms |"
  for what in "${small_files}x50KB" "${large_mib} MiB"; do
    n="native sync $what" f="framework-dependent sync $what"
    echo "| sync $what: wall s, median (runs) | $(median "${walls[$n]}") (${walls[$n]% }) | $(median "${walls[$f]}") (${walls[$f]% }) | |"
    echo "| sync $what: peak RSS | $(kib "${rss[$n]}") | $(kib "${rss[$f]}") | $([ "$what" = "${small_files}x50KB" ] && echo "≤ 100 MB") |"
  done
  echo
  echo "| reference tool | wall s, median (runs) | peak RSS |"
  echo "|---|---:|---:|"
  for k in "aria2c -j16 ${small_files}x50KB" "curl ${large_mib} MiB"; do
    echo "| \`$k\` | $(median "${walls[$k]}") (${walls[$k]% }) | $(kib "${rss[$k]}") |"
  done
  echo
  echo "Transfers: nginx on 127.0.0.1 from page cache, every command writing below $work/dl; one uncounted"
  echo "warm-up round, then $runs rounds round robin; wall and peak RSS from \`/usr/bin/time\`. \`sync\` includes"
  echo "process start, the manifest, sha256 of every file, fsync, marker, rename and inventory; aria2c and"
  echo "curl verify nothing. Start to /healthz: a fresh process polled every 2 ms. Idle RSS: VmRSS 5 s after"
  echo "the requests, in a process whose first reconcile synced a model of ten 50 KB files (in the image: podman, host"
  echo "network, the container's process read from the host's /proc). The native daemon runs"
  echo "with its image's \`$gc_env\` (gen0 budget 4 MiB instead of one that follows the L3 cache). The framework-dependent"
  echo "image was that column's app + runtime on the same base; the native image is measured by podman."
} >"$out"
cat "$out"
