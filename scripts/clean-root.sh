#!/usr/bin/env bash
# Runs the CI command (.ci/run) in a clean Debian 12 root, as on a fresh CI machine: the proof that
# install-deps.sh installs everything the tests use.
#   - the root is `debootstrap --variant=minbase bookworm` from the Debian mirror this machine's apt is
#     configured with (no other network source; the minbase tree is cached under $cache for the next run);
#   - it holds a clone of this repository's HEAD at /work/modelsync and a copy of ../shared at /work/shared,
#     nothing else of this machine;
#   - what the CI machine has preinstalled is given to it as this machine has it: the .NET SDK (the host's
#     dotnet directory bind-mounted read-only at the same path, /usr/bin/dotnet linked to it; the SDK's own
#     libraries libicu72, libssl3 and ca-certificates installed from the mirror, plus the machine's own CAs from
#     /usr/local/share/ca-certificates, e.g. an egress proxy's), and kubectl (the host's
#     binary copied: Debian 12's kubernetes-client 1.20 cannot render the overlays, see install-deps.sh);
#   - /proc, /sys (with the cgroup hierarchy), /dev and /dev/pts are mounted for podman and the loop
#     devices of the power-cut tests; services are kept from starting (policy-rc.d); the network is the host's.
# Everything it mounts it unmounts on exit, even on failure. Run it alone, as root:
#   flock /tmp/modelsync-heavy.lock bash scripts/clean-root.sh [--keep] [--dir DIR] [--shell]
#   --keep   leave the root in place after the run (default: deleted)   --shell   a shell instead of .ci/run
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$repo/.." && pwd)/shared
cache=/var/cache/modelsync-clean-root
dir=""
keep=0
shell=0
while (($#)); do
  case $1 in
    --keep) keep=1; shift ;;
    --dir) dir=$2; shift 2 ;;
    --shell) shell=1; shift ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "clean-root: unknown argument $1" >&2; exit 2 ;;
  esac
done
log() { echo "clean-root: $*" >&2; }
die() { log "$*"; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, mount namespaces, mounts)"
command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install -y --no-install-recommends debootstrap)"
[ -d "$shared" ] || die "no $shared next to the repository"
dotnet_dir=$(dirname "$(readlink -f "$(command -v dotnet)")") || die "no dotnet on this machine"
kubectl_bin=$(command -v kubectl) || die "no kubectl on this machine"

# The mirror apt uses here (deb822 .sources or a one-line sources.list), for bookworm's main suite.
mirror=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v -- '-security' | head -n 1 || true)
[ -n "$mirror" ] || mirror=$(grep -hsE '^deb ' /etc/apt/sources.list | grep -v -- '-security' | awk '{print $2}' | head -n 1 || true)
[ -n "$mirror" ] || die "no Debian mirror configured in /etc/apt/sources.list*"

dir=${dir:-$(mktemp -d /var/tmp/modelsync-clean-root.XXXXXX)}
root=$dir/rootfs
mkdir -p "$dir"
mounts=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  local rc=$?
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount -R "${mounts[$i]}" 2>/dev/null || umount -R -l "${mounts[$i]}" 2>/dev/null || log "could not unmount ${mounts[$i]}"
  done
  # Never rm -rf across a mount that is still there (the host's SDK is bind-mounted inside).
  if [ "$keep" -eq 0 ] && ! grep -qF " $root/" /proc/self/mounts; then rm -rf "$dir"; else log "root kept at $root"; fi
  exit "$rc"
}
trap cleanup EXIT
mount_at() { # TARGET MOUNT-ARGS...
  local target=$1
  shift
  mkdir -p "$target"
  mount "$@" "$target"
  mounts+=("$target")
}

# 1. Debian 12 minbase, from the cache when it is there (debootstrap takes ~40 s and 200 MB).
mkdir -p "$cache"
if [ ! -f "$cache/bookworm-minbase.tar" ]; then
  log "debootstrap --variant=minbase bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$dir/bootstrap" "$mirror" >"$dir/debootstrap.log" 2>&1 \
    || die "debootstrap failed: $(tail -n 5 "$dir/debootstrap.log")"
  tar -C "$dir/bootstrap" -cf "$cache/bookworm-minbase.tar" .
  rm -rf "$dir/bootstrap"
fi
mkdir -p "$root"
tar -C "$root" -xf "$cache/bookworm-minbase.tar"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" # no service starts inside (nginx would take port 80)
chmod 0755 "$root/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$root/etc/resolv.conf"

# 2. The repository (a clone of HEAD: what is committed, nothing of this work tree) and ../shared.
mkdir -p "$root/work"
git -C "$repo" rev-parse HEAD >/dev/null || die "$repo is not a git repository"
git clone -q --no-hardlinks "$repo" "$root/work/modelsync"
cp -a "$shared" "$root/work/shared"
log "repository $(git -C "$root/work/modelsync" rev-parse --short HEAD) at /work/modelsync, $shared at /work/shared"

# The root a mount point of its own: podman's storage remounts / private when it commits a layer, and
# in a bare chroot that is EINVAL ("remount /, flags: 0x44000: invalid argument", seen here).
mount_at "$root" --bind "$root"
mount --make-private "$root"

# 3. What the CI machine has preinstalled: the .NET SDK (read-only, as this machine has it) and kubectl.
mount_at "$root$dotnet_dir" --bind "$dotnet_dir"
mount -o remount,bind,ro "$root$dotnet_dir"
ln -sf "$dotnet_dir/dotnet" "$root/usr/bin/dotnet"
install -m 0755 "$kubectl_bin" "$root/usr/local/bin/kubectl"

# 4. The kernel's file systems, for podman (cgroups), loop devices and ptys.
mount_at "$root/proc" -t proc proc
mount_at "$root/sys" --rbind /sys
mount --make-rslave "$root/sys"
mount_at "$root/dev" --rbind /dev
mount --make-rslave "$root/dev"
mount_at "$root/tmp" -t tmpfs -o size=8g,mode=1777 tmpfs
mount_at "$root/run" -t tmpfs -o mode=0755 tmpfs

# Not chroot: the root is the root of a mount namespace of its own (pivot_root), as a container's or a
# machine's is. Under chroot the namespace's root stays the host's /, and `podman exec` (runc joins the
# container's mount namespace, which resets its root to that namespace's root) failed with
# 'chdir to cwd ("/app") ... no such file or directory': it had landed in the host's / and not the image.
# shellcheck disable=SC2016 # $1 and $@ are the inner shell's arguments
in_root() {
  unshare --mount --propagation private --fork -- /bin/sh -c '
    cd "$1" && mkdir -p .host && pivot_root . .host && umount -l /.host && rmdir /.host && shift && exec "$@"' \
    in_root "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 TERM="${TERM:-dumb}" DEBIAN_FRONTEND=noninteractive NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt "$@"
}
log "the SDK's libraries from the mirror (libicu72 libssl3 ca-certificates)"
in_root apt-get update -qq
in_root apt-get install -y -qq --no-install-recommends libicu72 libssl3 ca-certificates >/dev/null
# The machine's own trust anchors (e.g. a network's egress CA in /usr/local/share/ca-certificates) are machine
# configuration the CI machine has as well: without them NuGet and npm fail with a self-signed chain.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  in_root update-ca-certificates >/dev/null
fi
in_root dotnet --version >/dev/null || die "dotnet does not run in the root"

if [ "$shell" -eq 1 ]; then
  in_root /bin/bash -c 'cd /work/modelsync && exec bash -i'
  exit 0
fi
log "running .ci/run in the clean root (log: $dir/ci.log)"
set +e
in_root /bin/bash -c 'cd /work/modelsync && bash .ci/run' 2>&1 | tee "$dir/ci.log"
rc=${PIPESTATUS[0]}
set -e
cp "$dir/ci.log" "$repo/artifacts/clean-root-ci.log" 2>/dev/null || true
if [ "$rc" -eq 0 ]; then log ".ci/run passed in the clean Debian 12 root"; else log ".ci/run FAILED in the clean root (exit $rc)"; fi
exit "$rc"
