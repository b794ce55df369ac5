#!/usr/bin/env bash
# Publishes the binaries tests and images use into artifacts/:
#   artifacts/gate/ModelSync.Gate      Native AOT, fails on any trim/AOT warning
#   artifacts/daemon/ModelSync.Daemon  framework-dependent, ReadyToRun (linux-x64)
set -euo pipefail
cd "$(dirname "$0")/.."
artifacts="$PWD/artifacts"

if [ -d src/ModelSync.Gate ]; then
  # TreatWarningsAsErrors also turns ILLink/ILC (trim and AOT) warnings into errors; the grep is a
  # second guard in case a tool ever stops honouring it.
  out=$(dotnet publish src/ModelSync.Gate -c Release -r linux-x64 -nologo -p:TreatWarningsAsErrors=true \
    -o "$artifacts/gate" 2>&1) || { echo "$out"; exit 1; }
  if grep -E "warning (IL|CS|NU)[0-9]+" <<<"$out"; then
    echo "publish: the gate has trim/AOT warnings" >&2
    exit 1
  fi
  ls -l "$artifacts/gate/ModelSync.Gate"
fi
if [ -d src/ModelSync.Daemon ]; then
  # ReadyToRun: precompiled code starts the one-shot verbs (sync Job, status, validate) without a JIT warm-up.
  dotnet publish src/ModelSync.Daemon -c Release -nologo -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -p:TreatWarningsAsErrors=true -o "$artifacts/daemon" -clp:ErrorsOnly
fi
