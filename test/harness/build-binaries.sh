#!/usr/bin/env bash
# Builds the control-plane binaries the test harness runs, from Go modules only:
#   kube-apiserver, kube-controller-manager  (k8s.io/kubernetes)
#   etcd                                     (go.etcd.io/etcd/server/v3)
#   helm                                     (helm.sh/helm/v3)
# into a cache directory outside the repo, keyed by the versions:
#   ${SEARCHKUBE_CACHE:-$HOME/.cache/searchkube}/k8s/<key>/bin
# Only missing (or wrong-version) binaries are built. Prints the bin dir on the last line.
# `build-binaries.sh --print-bin-dir` only prints that directory (used by the TypeScript harness).
#
# Why helper modules: k8s.io/kubernetes requires its staging modules at the fake version v0.0.0
# and resolves them with replace lines that a consumer does not inherit, so `go install pkg@v`
# cannot work. A throw-away module requires k8s.io/kubernetes and replaces every staging module
# with its published v0.X.Y tag (derived from kubernetes' own go.mod). etcd's server module has
# replace lines too, so it gets a helper module of its own (kept apart so versions don't mix).
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-v1.37.2}
ETCD_VERSION=${ETCD_VERSION:-v3.6.16}
HELM_VERSION=${HELM_VERSION:-v3.22.0}

CACHE_ROOT=${SEARCHKUBE_CACHE:-$HOME/.cache/searchkube}
KEY="k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_helm-${HELM_VERSION}"
BASE="$CACHE_ROOT/k8s/$KEY"
BIN="$BASE/bin"
SRC="$BASE/src"

log() { printf '[build-binaries] %s\n' "$*" >&2; }
die() { printf '[build-binaries] ERROR: %s\n' "$*" >&2; exit 1; }

if [ "${1:-}" = "--print-bin-dir" ]; then echo "$BIN"; exit 0; fi

command -v go >/dev/null 2>&1 || die "go is not on PATH (Go >= 1.26 is needed to build the control plane)"
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
[ "${go_minor:-0}" -ge 26 ] 2>/dev/null || die "Go >= 1.26 is needed, found $(go env GOVERSION)"

export CGO_ENABLED=0
export GOFLAGS="-mod=mod -buildvcs=false"
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
mkdir -p "$BIN" "$SRC"

k8s_minor=$(echo "$K8S_VERSION" | sed -E 's/^v1\.([0-9]+)\..*/\1/')
staging_version="v0.${K8S_VERSION#v1.}"

# --- checks: is a binary present and of the right version? ---------------------------------
# The output is captured before it is matched: piping a binary into `grep -q` under pipefail fails
# at random, because grep exits at its first match and the binary (etcd prints four lines, one
# write each) then dies of SIGPIPE with status 141. That made a fresh build look wrong in CI.
says() { # $1 = grep flags, $2 = expected text, rest = a binary and its version arguments
  local out=""
  [ -x "$3" ] || return 1
  out=$("${@:3}" 2>/dev/null) || true
  grep "$1" -- "$2" <<<"$out"
}
have_k8s() { says -qF "Kubernetes $K8S_VERSION" "$BIN/$1" --version; } # $1 = binary name
have_etcd() { says -qF "etcd Version: ${ETCD_VERSION#v}" "$BIN/etcd" --version; }
have_helm() { says -qxF "$HELM_VERSION" "$BIN/helm" version --template '{{.Version}}'; }

# --- kube-apiserver + kube-controller-manager ------------------------------------------------
build_k8s() {
  local dir="$SRC/kubernetes"
  mkdir -p "$dir"
  cd "$dir"
  if [ ! -f go.mod ]; then
    go mod init local.test/k8sbins >/dev/null 2>&1
  fi
  go mod edit -go=1.26.0 -require="k8s.io/kubernetes@$K8S_VERSION"
  # Derive the staging module list from the exact kubernetes go.mod.
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n -E 's/^\s*"GoMod": "(.*)",?$/\1/p')
  [ -f "$gomod" ] || die "could not download the go.mod of k8s.io/kubernetes@$K8S_VERSION"
  local names
  names=$(sed -n -E 's#^\s*(replace\s+)?(k8s\.io/[A-Za-z0-9._-]+)\s*=>\s*\./staging/src/.*#\2#p' "$gomod" | sort -u)
  [ -n "$names" ] || die "no staging replace lines found in $gomod"
  local n=0 args=()
  for m in $names; do args+=("-replace=$m=$m@$staging_version"); n=$((n + 1)); done
  go mod edit "${args[@]}"
  log "kubernetes $K8S_VERSION: $n staging modules pinned at $staging_version"
  go get "k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION" "k8s.io/kubernetes/cmd/kube-controller-manager@$K8S_VERSION"

  local date commit ld="" pkg
  date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  commit=$(go list -m -json "k8s.io/kubernetes" | sed -n -E 's/.*"Version": "(.*)".*/\1/p' | head -1)
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$k8s_minor"
    ld+=" -X $pkg.gitTreeState=clean -X $pkg.gitCommit=module-$commit -X $pkg.buildDate=$date"
  done
  go build -trimpath -tags=selinux,notest,grpcnotrace -ldflags="-s -w$ld" -o "$BIN/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager
}

# --- etcd --------------------------------------------------------------------------------------
build_etcd() {
  local dir="$SRC/etcd"
  mkdir -p "$dir"
  cd "$dir"
  [ -f go.mod ] || go mod init local.test/etcdbin >/dev/null 2>&1
  go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  go build -trimpath -ldflags="-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3
}

# --- helm --------------------------------------------------------------------------------------
build_helm() {
  local dir="$SRC/helm"
  mkdir -p "$dir"
  cd "$dir"
  [ -f go.mod ] || go mod init local.test/helmbin >/dev/null 2>&1
  go get "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  # Without these, `helm version` has no patch number and template/lint assume Kubernetes v1.20.
  local ld="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  ld+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  ld+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$k8s_minor"
  ld+=" -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$k8s_minor"
  go build -trimpath -ldflags="-s -w $ld" -o "$BIN/helm" helm.sh/helm/v3/cmd/helm
}

timed() { # $1 = label, rest = command
  local label=$1 start end
  shift
  start=$(date +%s)
  log "building $label ..."
  ( "$@" ) || die "building $label failed"
  end=$(date +%s)
  log "built $label in $((end - start)) s"
}

total_start=$(date +%s)
built=0
have_etcd || { timed "etcd $ETCD_VERSION" build_etcd; have_etcd || die "etcd built but --version is wrong"; built=1; }
have_helm || { timed "helm $HELM_VERSION" build_helm; have_helm || die "helm built but version is wrong"; built=1; }
if ! have_k8s kube-apiserver || ! have_k8s kube-controller-manager; then
  timed "kube-apiserver + kube-controller-manager $K8S_VERSION" build_k8s
  have_k8s kube-apiserver || die "kube-apiserver built but --version does not say $K8S_VERSION"
  have_k8s kube-controller-manager || die "kube-controller-manager built but --version does not say $K8S_VERSION"
  built=1
fi
if [ "$built" = 1 ]; then log "all binaries ready in $(( $(date +%s) - total_start )) s"; else log "all binaries already cached"; fi
echo "$BIN"
