#!/usr/bin/env bash
# Publishes the binaries tests and images use, Native AOT, failing on any trim/AOT warning:
#   linux-x64:   artifacts/gate/ModelSync.Gate            artifacts/daemon/ModelSync.Daemon
#   linux-arm64: artifacts/arm64/gate/ModelSync.Gate      artifacts/arm64/daemon/ModelSync.Daemon
# arm64 is cross-compiled on an x64 host with Debian's aarch64 toolchain (scripts/install-deps.sh):
# ILC runs clang with --target=aarch64-linux-gnu, which finds that toolchain's linker, crt files and
# libc in /usr/aarch64-linux-gnu by itself; NuGet brings the arm64 ILCompiler and runtime packs at restore.
#
# usage: scripts/publish.sh [--arch x64|arm64|all] [gate] [daemon]    (default: x64, both)
set -euo pipefail
cd "$(dirname "$0")/.."
artifacts="$PWD/artifacts"

archs=(x64)
parts=()
while (($#)); do
  case $1 in
    --arch)
      case ${2:-} in
        x64 | arm64) archs=("$2") ;;
        all) archs=(x64 arm64) ;;
        *) echo "publish: --arch takes x64, arm64 or all, not '${2:-}'" >&2; exit 2 ;;
      esac
      shift 2 ;;
    gate | daemon) parts+=("$1"); shift ;;
    -h | --help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "publish: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
((${#parts[@]})) || parts=(gate daemon)

# publish_native PROJECT RID OUT: one AOT publish. TreatWarningsAsErrors also turns ILLink/ILC (trim
# and AOT) warnings into errors; the grep is a second guard in case a tool ever stops honouring it.
publish_native() {
  local project=$1 rid=$2 out=$3 name log cross=()
  name=$(basename "$project")
  if [ "$rid" = linux-arm64 ] && [ "$(uname -m)" != aarch64 ]; then
    if [ ! -d /usr/aarch64-linux-gnu/lib ] || ! command -v aarch64-linux-gnu-ld >/dev/null; then
      echo "publish: no aarch64 cross toolchain (bash scripts/install-deps.sh installs gcc-aarch64-linux-gnu, libc6-dev-arm64-cross)" >&2
      return 1
    fi
    # ILC splits the symbols with llvm-objcopy, else objcopy: a fresh Debian has no llvm, and its objcopy
    # is x86-only (seen in the clean root: "Unable to recognise the format"). The cross binutils' one reads arm64.
    cross=(-p:ObjCopyName=aarch64-linux-gnu-objcopy)
  fi
  # A previous publish (or the framework-dependent build this directory once held) must not linger beside it.
  rm -rf "$out"
  log=$(mktemp)
  if ! dotnet publish "$project" -c Release -r "$rid" -nologo -p:PublishAot=true -p:TreatWarningsAsErrors=true \
    "${cross[@]}" -o "$out" >"$log" 2>&1; then
    cat "$log"; rm -f "$log"
    echo "publish: $name ($rid) failed" >&2
    return 1
  fi
  if grep -E "warning (IL|CS|NU)[0-9]+" "$log"; then
    rm -f "$log"
    echo "publish: $name ($rid) has trim/AOT warnings" >&2
    return 1
  fi
  rm -f "$log"
  # Only the binary ships: symbols (.dbg), pdbs and the web SDK's empty static-assets manifest stay out.
  find "$out" -mindepth 1 -maxdepth 1 ! -name "$name" -exec rm -rf {} +
  ls -l "$out/$name"
}

for arch in "${archs[@]}"; do
  base=$artifacts
  [ "$arch" = x64 ] || base=$artifacts/$arch
  for part in "${parts[@]}"; do
    case $part in
      gate) publish_native src/ModelSync.Gate "linux-$arch" "$base/gate" || exit 1 ;;
      daemon) publish_native src/ModelSync.Daemon "linux-$arch" "$base/daemon" || exit 1 ;;
    esac
  done
done
