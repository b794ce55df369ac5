#!/usr/bin/env bash
# Builds the two ModelSync images OFFLINE with buildah (no registry, no internet: only the Debian
# mirror configured in /etc/apt/sources.list.d for the daemon's base libraries):
#   localhost/modelsync-gate:TAG    minimal glibc rootfs (ldd of the binary) + ModelSync.Gate
#   localhost/modelsync-daemon:TAG  distroless-like Debian libs + the host's ASP.NET Core 10 runtime
# then prints their sizes, asserts the gate image <= 20 MB, and runs the gate image --check against
# stores it builds by hand (valid -> 0, corrupt -> 1, no inventory -> 3) and the daemon image.
#
# usage: scripts/deploy-images.sh [--tag TAG] [--gate-bin FILE] [--daemon-dir DIR] [--no-test] [--rebuild-base]
set -euo pipefail
# shellcheck source=deploy-lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/deploy-lib.sh"
cd "$deploy_repo"

tag=dev
gate_bin=$deploy_repo/artifacts/gate/ModelSync.Gate
daemon_dir=$deploy_repo/artifacts/daemon
run_tests=1
rebuild_base=0
gate_max_bytes=$((20 * 1000 * 1000))
while (($#)); do
  case $1 in
    --tag) tag=$2; shift 2 ;;
    --gate-bin) gate_bin=$2; shift 2 ;;
    --daemon-dir) daemon_dir=$2; shift 2 ;;
    --no-test) run_tests=0; shift ;;
    --rebuild-base) rebuild_base=1; shift ;;
    -h | --help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
need buildah podman ldd dpkg-deb apt-get sha256sum

if [ ! -x "$gate_bin" ] || [ ! -f "$daemon_dir/ModelSync.Daemon.dll" ]; then
  log "artifacts missing: bash scripts/publish.sh"
  bash scripts/publish.sh
fi
[ -x "$gate_bin" ] || die "no gate binary at $gate_bin (src/ModelSync.Gate not published yet?)"

work=$(mktemp -d /tmp/modelsync-images.XXXXXX)
trap 'rm -rf "$work"' EXIT
cache=$deploy_repo/artifacts/deploy-cache
mkdir -p "$cache/debs"

# Common rootfs bits: the nonroot user 65532 (distroless convention), a writable-if-mounted /tmp.
add_etc() {
  local root=$1
  mkdir -p "$root/etc" "$root/tmp" "$root/app"
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
}

commit_rootfs() { # DIR IMAGE
  local c
  c=$(buildah from scratch)
  buildah copy --quiet "$c" "$1" / >/dev/null
  buildah config --user 65532:65532 --env PATH=/usr/local/bin:/usr/bin:/bin "$c"
  buildah commit --quiet --rm "$c" "$2" >/dev/null
}

# --- gate base: exactly the shared libraries the binary links (ld.so, libc, libm), from this host,
# which is also the glibc the binary was built against.
gate_base=localhost/modelsync-glibc-base:bookworm
if ((rebuild_base)) || ! podman image exists "$gate_base"; then
  log "building $gate_base from ldd $gate_bin"
  root=$work/gate-root
  add_etc "$root"
  ldd "$gate_bin" | grep -oE '/[^ ]+' | while read -r lib; do
    cp -L --parents "$lib" "$root/"
  done
  commit_rootfs "$root" "$gate_base"
fi

# --- daemon base: Debian 12 packages from the configured mirror (apt-get download, no scripts run)
# plus the ASP.NET Core runtime of the host SDK.
daemon_base=localhost/modelsync-aspnet-base:10.0
if ((rebuild_base)) || ! podman image exists "$daemon_base"; then
  log "building $daemon_base (Debian libs from the mirror + /usr/share/dotnet runtime)"
  root=$work/daemon-root
  add_etc "$root"
  (cd "$cache/debs" && apt-get download -qq -o APT::Sandbox::User=root libc6 libgcc-s1 libstdc++6 libssl3 zlib1g ca-certificates busybox-static)
  for deb in "$cache"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
  # CA bundle as update-ca-certificates would write it (its maintainer script does not run here).
  mkdir -p "$root/etc/ssl/certs"
  find "$root/usr/share/ca-certificates" -name '*.crt' -print0 | sort -z | xargs -0 cat >"$root/etc/ssl/certs/ca-certificates.crt"
  mkdir -p "$root/usr/bin"
  [ -e "$root/usr/bin/busybox" ] || mv "$root/bin/busybox" "$root/usr/bin/busybox"
  rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/lintian" "$root/usr/share/locale" \
    "$root/usr/lib/x86_64-linux-gnu/gconv" "$root/usr/sbin" "$root/sbin" "$root/usr/share/ca-certificates" "$root/etc/ld.so.conf.d"
  dotnet_root=${DOTNET_ROOT:-/usr/share/dotnet}
  netcore=$(find "$dotnet_root/shared/Microsoft.NETCore.App" -mindepth 1 -maxdepth 1 -name '10.*' | sort -V | tail -1)
  aspnet=$(find "$dotnet_root/shared/Microsoft.AspNetCore.App" -mindepth 1 -maxdepth 1 -name '10.*' | sort -V | tail -1)
  { [ -n "$netcore" ] && [ -n "$aspnet" ]; } || die "no .NET 10 and ASP.NET Core 10 runtime under $dotnet_root"
  mkdir -p "$root/usr/share/dotnet/shared/Microsoft.NETCore.App" "$root/usr/share/dotnet/shared/Microsoft.AspNetCore.App"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$root/usr/share/dotnet/"
  cp -a "$netcore" "$root/usr/share/dotnet/shared/Microsoft.NETCore.App/"
  cp -a "$aspnet" "$root/usr/share/dotnet/shared/Microsoft.AspNetCore.App/"
  ln -s ../share/dotnet/dotnet "$root/usr/bin/dotnet"
  commit_rootfs "$root" "$daemon_base"
fi

# --- the images, from the Containerfiles (offline: --pull=never on local bases).
gate_ctx=$work/gate-ctx
mkdir -p "$gate_ctx"
cp "$gate_bin" "$gate_ctx/ModelSync.Gate"
log "building localhost/modelsync-gate:$tag"
buildah bud --quiet --pull=never --layers=false --build-arg "BASE_IMAGE=$gate_base" \
  -f deploy/images/gate.Containerfile -t "localhost/modelsync-gate:$tag" "$gate_ctx" >/dev/null

if [ -f "$daemon_dir/ModelSync.Daemon.dll" ]; then
  log "building localhost/modelsync-daemon:$tag from $daemon_dir"
  buildah bud --quiet --pull=never --layers=false --build-arg "BASE_IMAGE=$daemon_base" \
    -f deploy/images/daemon.Containerfile -t "localhost/modelsync-daemon:$tag" "$daemon_dir" >/dev/null
else
  die "no daemon publish output in $daemon_dir"
fi

gate_size=$(image_size_bytes "localhost/modelsync-gate:$tag")
daemon_size=$(image_size_bytes "localhost/modelsync-daemon:$tag")
echo "image localhost/modelsync-gate:$tag   $(mb "$gate_size") (binary $(mb "$(stat -c %s "$gate_bin")"))"
echo "image localhost/modelsync-daemon:$tag $(mb "$daemon_size")"
((gate_size <= gate_max_bytes)) || die "gate image is $gate_size bytes, over the $gate_max_bytes target"

((run_tests)) || exit 0

# --- the gate image against stores built by hand, mounted read-only like in a pod.
gate_run() { # STORE [ENV=VAL...] -> exit code of `ModelSync.Gate --check`
  local store=$1; shift
  local envs=() e
  for e in "$@"; do envs+=(-e "$e"); done
  podman run --rm --network=none --read-only --cap-drop=ALL --security-opt=no-new-privileges \
    -v "$store:/app/models:ro" "${envs[@]}" "localhost/modelsync-gate:$tag" --check
}
expect_rc() { # WANT DESCRIPTION CMD...
  local want=$1 what=$2 rc=0; shift 2
  "$@" >"$work/out" 2>&1 || rc=$?
  sed 's/^/    | /' "$work/out" >&2
  [ "$rc" -eq "$want" ] || die "$what: exit $rc, expected $want"
  log "ok: $what -> exit $rc"
}
good=$work/store-good
mkdir -p "$good"
write_inventory "$good" "$(make_model "$good" finbert 2024-06 4096)" "$(make_model "$good" minilm 2024-01 2048)"
chmod -R a+rX "$good"
expect_rc 0 "gate --check, valid store" gate_run "$good" MODELSYNC_REQUIRE=finbert,minilm@2024-01
expect_rc 0 "gate --check, valid store, no MODELSYNC_REQUIRE (every model)" gate_run "$good"
expect_rc 1 "gate --check, model not in the inventory" gate_run "$good" MODELSYNC_REQUIRE=bert
bad=$work/store-bad
cp -a "$good" "$bad"
chmod u+w "$bad/models/finbert/2024-06" "$bad/models/finbert/2024-06/weights.bin"
truncate -s 100 "$bad/models/finbert/2024-06/weights.bin"
expect_rc 1 "gate --check, truncated file" gate_run "$bad" MODELSYNC_REQUIRE=finbert
empty=$work/store-empty
mkdir -p "$empty"
expect_rc 3 "gate --check, no inventory" gate_run "$empty" MODELSYNC_REQUIRE=finbert

# --- the daemon image: the runtime starts as 65532 with a read-only root; busybox for the init container.
expect_rc 0 "daemon image: ModelSync.Daemon --help" podman run --rm --network=none --read-only "localhost/modelsync-daemon:$tag" --help
expect_rc 0 "daemon image: busybox chown/stat present" podman run --rm --network=none --read-only --user 0 --entrypoint /usr/bin/busybox "localhost/modelsync-daemon:$tag" stat -c %u /tmp
if podman run --rm --network=none --read-only "localhost/modelsync-daemon:$tag" --help 2>&1 | grep -qE '^\s+validate\b'; then
  expect_rc 0 "daemon image: validate deploy/kustomize/base/models.yaml" podman run --rm --network=none --read-only \
    -v "$deploy_repo/deploy/kustomize/base/models.yaml:/etc/modelsync/models.yaml:ro" "localhost/modelsync-daemon:$tag" validate /etc/modelsync/models.yaml
else
  log "skip: the daemon has no 'validate' verb yet"
fi
log "images OK"
