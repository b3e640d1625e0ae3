#!/usr/bin/env bash
# Called by .ci/run before `npm test`: makes sure the control-plane binaries (etcd, kube-apiserver,
# kube-controller-manager, helm) exist in the versioned cache, building only what is missing.
# Idempotent: a second run with everything cached takes about a second. Fails loudly (non-zero)
# when Go is missing or a build fails, so the cluster tests never get skipped silently.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
start=$(date +%s)
bin=$(nice -n 5 bash "$here/build-binaries.sh" | tail -n 1)
for b in etcd kube-apiserver kube-controller-manager helm; do
  [ -x "$bin/$b" ] || { echo "ensure-binaries: $bin/$b is missing after the build" >&2; exit 1; }
done
echo "ensure-binaries: control-plane binaries ready in $bin ($(( $(date +%s) - start )) s)"
