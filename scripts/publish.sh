#!/usr/bin/env bash
# Publishes the binaries tests and images use into artifacts/:
#   artifacts/gate/ModelSync.Gate      Native AOT, fails on any trim/AOT warning
#   artifacts/daemon/ModelSync.Daemon  framework-dependent
set -euo pipefail
cd "$(dirname "$0")/.."
artifacts="$PWD/artifacts"

if [ -d src/ModelSync.Gate ]; then
  dotnet publish src/ModelSync.Gate -c Release -r linux-x64 -nologo -warnaserror \
    -o "$artifacts/gate" -clp:ErrorsOnly
  ls -l "$artifacts/gate/ModelSync.Gate"
fi
if [ -d src/ModelSync.Daemon ]; then
  dotnet publish src/ModelSync.Daemon -c Release -nologo -warnaserror -o "$artifacts/daemon" -clp:ErrorsOnly
fi
