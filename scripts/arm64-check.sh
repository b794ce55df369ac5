#!/usr/bin/env bash
# The linux-arm64 gate and daemon (scripts/publish.sh --arch arm64, cross-built on x64) tested under
# qemu-user-static, through the same test suites as the x64 binaries (TestKit: MODELSYNC_GATE_BIN,
# MODELSYNC_DAEMON_DIR, MODELSYNC_TEST_EMULATOR):
#   gate    the gate's contract tests, tests/ModelSync.Gate.Tests, against artifacts/arm64/gate
#   daemon  the daemon's sync tests against a real nginx (NginxSyncTests: several files and a 64 MiB one
#           fetched in parallel ranges, published and verified byte for byte; a second run fetching nothing;
#           a version change flipping current/), against
#           artifacts/arm64/daemon. Not the tests with a 1 s stall timeout (SegmentedDownloadTests): an
#           emulated daemon on a loaded machine stalls that long and retries, which they count as a failure.
# The emulated binaries load their libraries from a sysroot of Debian arm64 packages (libc6, libgcc-s1,
# libssl3: the daemon hashes through OpenSSL) in artifacts/deploy-cache/sysroot-arm64, made here.
# Needs the test projects built (dotnet build -c Release) and, on x64, qemu-user-static.
#
# usage: scripts/arm64-check.sh [gate] [daemon]     (default: both)
set -euo pipefail
# shellcheck source=deploy-lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/deploy-lib.sh"
# shellcheck source=deploy-base.sh source-path=SCRIPTDIR
source "$(dirname "$0")/deploy-base.sh"
cd "$deploy_repo"
parts=("$@")
((${#parts[@]})) || parts=(gate daemon)

gate=$deploy_repo/artifacts/arm64/gate/ModelSync.Gate
daemon_dir=$deploy_repo/artifacts/arm64/daemon
if [ ! -x "$gate" ] || [ ! -x "$daemon_dir/ModelSync.Daemon" ]; then
  log "no arm64 binaries: bash scripts/publish.sh --arch arm64"
  bash scripts/publish.sh --arch arm64
fi
readelf -h "$gate" | grep -q 'AArch64' || die "$gate is not an arm64 binary"

emulator=""
if [ "$(uname -m)" != aarch64 ]; then
  need qemu-aarch64-static dpkg-deb
  sysroot=$deploy_cache/sysroot-arm64
  if [ ! -e "$sysroot/usr/lib/aarch64-linux-gnu/libssl.so.3" ]; then
    log "making $sysroot from Debian arm64 packages"
    rm -rf "$sysroot"
    fetch_debs arm64 "$deploy_cache/debs-arm64" libc6 libgcc-s1 libssl3
    for p in libc6 libgcc-s1 libssl3; do
      dpkg-deb -x "$(find "$deploy_cache/debs-arm64" -name "${p}_*.deb" | sort -V | tail -1)" "$sysroot"
    done
  fi
  emulator="qemu-aarch64-static -L $sysroot"
fi

run_tests() { # PROJECT FILTER ENV...
  local project=$1 filter=$2; shift 2
  env "$@" MODELSYNC_TEST_EMULATOR="$emulator" dotnet test "$project" -c Release --no-build -nologo \
    ${filter:+--filter "$filter"} --logger "console;verbosity=normal"
}
for part in "${parts[@]}"; do
  case $part in
    gate)
      log "gate contract tests against $gate${emulator:+ under $emulator}"
      run_tests tests/ModelSync.Gate.Tests "" MODELSYNC_GATE_BIN="$gate" ;;
    daemon)
      log "daemon sync tests against $daemon_dir${emulator:+ under $emulator}"
      run_tests tests/ModelSync.Daemon.IntegrationTests \
        "FullyQualifiedName~ModelSync.Daemon.IntegrationTests.NginxSyncTests" \
        MODELSYNC_DAEMON_DIR="$daemon_dir" ;;
    *) die "unknown part $part (gate, daemon)" ;;
  esac
done
log "arm64 OK"
