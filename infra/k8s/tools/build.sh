#!/usr/bin/env bash
# Builds a real kube-apiserver and etcd from the Go module proxy (no binary downloads), once per
# pinned version, into a cache outside the repo: $WEIR_K8S_CACHE (default ~/.cache/weir/k8s),
# then generates the operators' CRDs (crds.sh). Prints the directory holding bin/kube-apiserver
# and bin/etcd. Cold: ~15 min on 2 cores; warm (everything cached): well under a second.
#   build.sh --check   builds nothing: prints {"bin": …, "crds": […], "helm": …|null} as JSON if these are
#                      there, else says what is missing and exits 2 (the test harness uses it).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
KUBE_VERSION="${KUBE_VERSION:-v1.34.2}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
# Helm renders and lints Weir's own chart (infra/k8s/chart) in the tests; built from its Go module.
HELM_VERSION="${HELM_VERSION:-v3.19.0}"
CACHE="${WEIR_K8S_CACHE:-$HOME/.cache/weir/k8s}"
OUT="$CACHE/kube-$KUBE_VERSION-etcd-$ETCD_VERSION"
HELM="$CACHE/helm-$HELM_VERSION/bin/helm"

if [ "${1:-}" = "--check" ]; then
  crds="$("$HERE/crds.sh" --check)" || exit 2
  for b in etcd kube-apiserver; do
    if [ ! -x "$OUT/bin/$b" ]; then
      echo "$b ($KUBE_VERSION / etcd $ETCD_VERSION) is not built in $OUT/bin: run infra/k8s/tools/build.sh (about 15 min the first time, then cached)" >&2
      exit 2
    fi
  done
  # helm is reported, not required: only the chart's tests need it (and say so when it is missing).
  printf '{"bin":"%s","crds":%s,"helm":%s}\n' "$OUT/bin" "$crds" "$([ -x "$HELM" ] && echo "\"$HELM\"" || echo null)"
  exit 0
fi

mkdir -p "$OUT/bin"
export GOFLAGS="-buildvcs=false -mod=mod"

if [ ! -x "$OUT/bin/etcd" ]; then
  w="$OUT/src/etcd"; rm -rf "$w"; mkdir -p "$w"; cd "$w"
  cat > go.mod <<MOD
module weir.local/etcd
go 1.24
require go.etcd.io/etcd/server/v3 $ETCD_VERSION
MOD
  cat > main.go <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  go mod tidy >&2
  go build -trimpath -ldflags "-s -w" -o "$OUT/bin/etcd.tmp" . >&2
  mv "$OUT/bin/etcd.tmp" "$OUT/bin/etcd"
fi

if [ ! -x "$OUT/bin/kube-apiserver" ]; then
  w="$OUT/src/kube"; rm -rf "$w"; mkdir -p "$w"; cd "$w"
  # The replace block of k8s.io/kubernetes' own go.mod: every staging module at v0.<minor>.<patch>.
  go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" >/dev/null
  mod="$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/$KUBE_VERSION.mod"
  staging="v0.${KUBE_VERSION#v1.}"
  {
    echo "module weir.local/kube"
    echo "go 1.24"
    echo "require k8s.io/kubernetes $KUBE_VERSION"
    sed -n '/^replace (/,/^)/p' "$mod" | grep -o 'k8s.io/[a-z0-9-]* => ./staging' | awk -v v="$staging" '{print "replace " $1 " => " $1 " " v}'
  } > go.mod
  cat > tools.go <<'GO'
//go:build tools

package tools

import _ "k8s.io/kubernetes/cmd/kube-apiserver"
GO
  go mod tidy >&2
  go build -trimpath -ldflags "-s -w" -o "$OUT/bin/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver >&2
  mv "$OUT/bin/kube-apiserver.tmp" "$OUT/bin/kube-apiserver"
fi
"$HERE/crds.sh" >/dev/null
if [ ! -x "$HELM" ]; then
  GOBIN="$(dirname "$HELM")" GOFLAGS=-buildvcs=false go install -trimpath -ldflags "-s -w" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
fi
echo "$OUT"
