#!/usr/bin/env bash
# The image checks of scripts/deploy-images.sh (sourced by it; needs its $tag, $work, $server_pid).
# amd64 images run with podman (read-only root, uid 65532, as in a pod). arm64 ones cannot run here
# (no binfmt_misc): their binaries run under qemu-aarch64-static with the mounted image as the sysroot
# (-L), so the image's own loader and libraries are the ones tested.
# shellcheck disable=SC2154   # tag, work, server_pid come from deploy-images.sh

expect_rc() { # WANT DESCRIPTION CMD...
  local want=$1 what=$2 rc=0; shift 2
  "$@" >"$work/out" 2>&1 || rc=$?
  sed 's/^/    | /' "$work/out" >&2
  [ "$rc" -eq "$want" ] || die "$what: exit $rc, expected $want"
  log "ok: $what -> exit $rc"
}

# in_image ARCH IMAGE BINARY [VAR=VAL...] -- ARGS...: BINARY (a path in the image) with ARGS, as uid
# 65532 on a read-only root, on the host network, $work mounted at the same path (arm64: under qemu).
in_image() {
  local arch=$1 image=$2 binary=$3 envs=() e; shift 3
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  if [ "$arch" = amd64 ]; then
    local flags=()
    for e in "${envs[@]}"; do flags+=(-e "$e"); done
    podman run --rm --network=host --http-proxy=false --read-only --cap-drop=ALL --security-opt=no-new-privileges \
      -v "$work:$work" "${flags[@]}" --entrypoint "$binary" "$image" "$@"
  else
    local mnt
    mnt=$(podman image mount "$image")
    # As root: the image's mount point is below a directory only root may enter.
    env -i PATH=/usr/bin:/bin "${envs[@]}" qemu-aarch64-static -L "$mnt" "$mnt$binary" "$@"
  fi
}

# Two local servers for the daemon's sync: plain HTTP and HTTPS (a self-signed localhost cert, trusted
# through SSL_CERT_FILE: TLS through the image's libssl3).
start_servers() {
  local www=$1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null
  python3 - "$www" "$work/tls.crt" "$work/tls.key" "$work/ports" <<'EOF' &
import functools, http.server, ssl, sys, threading
www, crt, key, ports = sys.argv[1:]
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
handler = functools.partial(Quiet, directory=www)
plain = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
tls = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(crt, key)
tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
threading.Thread(target=tls.serve_forever, daemon=True).start()
open(ports + ".tmp", "w").write(f"{plain.server_port} {tls.server_port}\n")
__import__("os").rename(ports + ".tmp", ports)
plain.serve_forever()
EOF
  server_pid=$!
  for _ in $(seq 100); do [ -s "$work/ports" ] && return 0; sleep 0.1; done
  die "the test servers did not start"
}

# idle_pages_out IMAGE MANIFEST: run mode as the DaemonSet runs it; once the idle trim has run, less than a
# third of the binary is resident (20 of its 24 MB were, before the trim paged code out).
idle_pages_out() {
  local image=$1 manifest=$2 box=modelsync-images-idle port pid binary resident trimmed=0
  port=$(free_port)
  podman rm -f "$box" >/dev/null 2>&1 || true
  podman run -d --name "$box" --network=host --http-proxy=false --read-only --cap-drop=ALL --security-opt=no-new-privileges \
    -v "$work:$work" -e "SSL_CERT_FILE=$work/tls.crt" -e MODELSYNC_NODE=image-test -e MODELSYNC_LOG_LEVEL=debug \
    "$image" run --manifest "$manifest" --listen "http://127.0.0.1:$port" >/dev/null
  local logs="" mappings=0
  for _ in $(seq 300); do # about a minute
    logs=$(podman logs "$box" 2>&1)
    # A trim during the first pass collects only, and logs 0 MiB advised: wait for the page-out.
    [[ $logs =~ page-out\ advised\ for\ [1-9] ]] && trimmed=1 && break
    sleep 0.2
  done
  if ((trimmed)); then
    pid=$(podman inspect -f '{{.State.Pid}}' "$box")
    binary=$(podman run --rm --entrypoint /usr/bin/busybox "$image" stat -c %s /app/ModelSync.Daemon)
    read -r mappings resident < <(awk '/^[0-9a-f]+-[0-9a-f]+ / { mine = ($NF == "/app/ModelSync.Daemon"); n += mine }
      mine && $1 == "Rss:" { kib += $2 } END { print n + 0, kib * 1024 }' "/proc/$pid/smaps")
    grep -E 'page-out advised for [1-9]' <<<"$logs" | tail -1 | sed 's/^/    | /' >&2
  fi
  podman rm -f -t 2 "$box" >/dev/null
  ((trimmed)) || { tail -20 <<<"$logs" >&2; die "amd64 daemon image: no idle page-out (event 1851) within a minute"; }
  ((mappings > 0)) || die "amd64 daemon image: /proc/$pid/smaps maps no /app/ModelSync.Daemon"
  ((resident * 3 < binary)) || die "amd64 daemon image: idle, $resident of the binary's $binary bytes are resident"
  log "ok: amd64 daemon image: idle, $((resident >> 10)) KiB of the binary's $((binary >> 10)) KiB resident ($mappings mappings)"
}

test_images() { # ARCH
  local arch=$1 gate=localhost/modelsync-gate:$tag-$1 daemon=localhost/modelsync-daemon:$tag-$1 gate_bin=/usr/local/bin/ModelSync.Gate
  local good=$work/$arch/store-good bad=$work/$arch/store-bad empty=$work/$arch/store-empty
  log "testing the $arch images"
  # --- the gate against stores built by hand, mounted read-only like in a pod.
  mkdir -p "$good" "$empty"
  write_inventory "$good" "$(make_model "$good" finbert 2024-06 4096)" "$(make_model "$good" minilm 2024-01 2048)"
  chmod -R a+rX "$work"
  expect_rc 0 "$arch gate --check, valid store" in_image "$arch" "$gate" $gate_bin MODELSYNC_REQUIRE=finbert,minilm@2024-01 -- --root "$good" --check
  expect_rc 0 "$arch gate --check, valid store, no MODELSYNC_REQUIRE (every model)" in_image "$arch" "$gate" $gate_bin -- --root "$good" --check
  expect_rc 1 "$arch gate --check, model not in the inventory" in_image "$arch" "$gate" $gate_bin MODELSYNC_REQUIRE=bert -- --root "$good" --check
  cp -a "$good" "$bad"
  chmod u+w "$bad/models/finbert/2024-06" "$bad/models/finbert/2024-06/weights.bin"
  truncate -s 100 "$bad/models/finbert/2024-06/weights.bin"
  expect_rc 1 "$arch gate --check, truncated file" in_image "$arch" "$gate" $gate_bin MODELSYNC_REQUIRE=finbert -- --root "$bad" --check
  expect_rc 3 "$arch gate --check, no inventory" in_image "$arch" "$gate" $gate_bin MODELSYNC_REQUIRE=finbert -- --root "$empty" --check

  # --- the daemon: starts as 65532 on a read-only root; busybox for the init container.
  expect_rc 0 "$arch daemon image: ModelSync.Daemon --help" in_image "$arch" "$daemon" /app/ModelSync.Daemon -- --help
  expect_rc 0 "$arch daemon image: busybox present" in_image "$arch" "$daemon" /usr/bin/busybox -- stat -c %u /tmp
  cp "$deploy_repo/deploy/kustomize/base/models.yaml" "$work/base-models.yaml"
  chmod a+r "$work/base-models.yaml"
  expect_rc 0 "$arch daemon image: validate deploy/kustomize/base/models.yaml" in_image "$arch" "$daemon" /app/ModelSync.Daemon -- \
    validate "$work/base-models.yaml"

  # --- a sync over HTTP and HTTPS into a store, which the gate image then checks in full.
  local www=$work/www store=$work/$arch/synced manifest=$work/$arch/models.yaml plain tls f m name url
  if [ -z "$server_pid" ]; then
    mkdir -p "$www/m"
    printf '{"model": "image-test"}\n' >"$www/m/config.json"
    head -c 3000000 /dev/urandom >"$www/m/weights.bin"
    start_servers "$www"
  fi
  read -r plain tls <"$work/ports"
  {
    printf 'store: { root: %s, reserve: 0 }\nsync: { retry: { maxAttempts: 2, baseDelay: 0s, maxDelay: 1s } }\nmodels:\n' "$store"
    for m in "plain http://127.0.0.1:$plain" "tls https://localhost:$tls"; do
      read -r name url <<<"$m"
      printf '  - name: %s\n    version: "v1"\n    baseUrl: %s/m/\n    files:\n' "$name" "$url"
      for f in config.json weights.bin; do
        printf '      - path: %s\n        size: %s\n        sha256: %s\n' "$f" "$(stat -c %s "$www/m/$f")" "$(sha256sum "$www/m/$f" | cut -d' ' -f1)"
      done
    done
  } >"$manifest"
  mkdir -p "$store"
  chown 65532:65532 "$store"
  chmod -R a+rX "$work"
  expect_rc 0 "$arch daemon image: sync over http and https" in_image "$arch" "$daemon" /app/ModelSync.Daemon \
    "SSL_CERT_FILE=$work/tls.crt" MODELSYNC_NODE=image-test MODELSYNC_LOG_FORMAT=text -- sync --manifest "$manifest"
  expect_rc 0 "$arch gate --check --verify full of the synced store" in_image "$arch" "$gate" $gate_bin \
    MODELSYNC_REQUIRE=plain@v1,tls@v1 -- --root "$store" --check --verify full
  # The daemon's binary belongs to its user, read-only (the kernel pages out only a file's owner's code).
  # shellcheck disable=SC2016 # the image's shell expands it
  expect_rc 0 "$arch daemon image: /app/ModelSync.Daemon is 65532:65532 0555" in_image "$arch" "$daemon" /usr/bin/busybox -- \
    sh -c '[ "$(stat -c "%u:%g %a" /app/ModelSync.Daemon)" = "65532:65532 555" ]'
  if [ "$arch" = amd64 ]; then idle_pages_out "$daemon" "$manifest"; fi
  [ "$arch" = amd64 ] || podman image unmount "$gate" "$daemon" >/dev/null
}
