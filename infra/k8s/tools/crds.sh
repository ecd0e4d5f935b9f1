#!/usr/bin/env bash
# Generates the operators' CRDs offline from registry artifacts, once per pinned version, into
# $WEIR_K8S_CACHE/crds/<operator>-<version>/ (default ~/.cache/weir/k8s):
#   Strimzi: its CrdGenerator and API model from Maven Central (infra/k8s/strimzi/pom.xml);
#   Spark Operator: controller-gen over its Go API types from the Go module proxy.
# Prints the crds directory. Called by build.sh; safe to rerun (cached).
#   crds.sh --check   generates nothing: prints the CRD files as a JSON array, or says what is
#                     missing and exits 2.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${WEIR_K8S_CACHE:-$HOME/.cache/weir/k8s}"
STRIMZI_VERSION="$(sed -n 's:.*<strimzi.version>\(.*\)</strimzi.version>.*:\1:p' "$HERE/../strimzi/pom.xml")"
SPARK_OPERATOR_VERSION="${SPARK_OPERATOR_VERSION:-v2.5.2}"
CONTROLLER_GEN_VERSION="${CONTROLLER_GEN_VERSION:-v0.17.1}"
export GOFLAGS="-buildvcs=false -mod=mod"
strimzi="$CACHE/crds/strimzi-$STRIMZI_VERSION"
spark="$CACHE/crds/spark-operator-$SPARK_OPERATOR_VERSION"

if [ "${1:-}" = "--check" ]; then
  for d in "$strimzi" "$spark"; do
    if [ ! -f "$d/.done" ]; then
      echo "The CRDs in $d are not generated: run infra/k8s/tools/build.sh (it generates them once, then caches them)" >&2
      exit 2
    fi
  done
  printf '%s\n' "$strimzi"/*.yaml "$spark"/*.yaml | sed 's/.*/"&"/' | paste -sd, | sed 's/.*/[&]/'
  exit 0
fi

if [ ! -f "$strimzi/.done" ]; then
  rm -rf "$strimzi"; mkdir -p "$strimzi/jars"
  mvn -B -q -f "$HERE/../strimzi/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$strimzi/jars" -DincludeScope=runtime >&2
  m=io.strimzi.api.kafka.model
  java -cp "$strimzi/jars/*" io.strimzi.crdgenerator.CrdGenerator \
    --crd-api-version v1 --api-versions v1beta2 --storage-version v1beta2 --yaml \
    --label strimzi.io/crd-install:true --label app:strimzi \
    "$m.kafka.Kafka=$strimzi/040-Crd-kafka.yaml" \
    "$m.nodepool.KafkaNodePool=$strimzi/045-Crd-kafkanodepool.yaml" \
    "$m.topic.KafkaTopic=$strimzi/043-Crd-kafkatopic.yaml" \
    "$m.user.KafkaUser=$strimzi/044-Crd-kafkauser.yaml" >&2
  rm -rf "$strimzi/jars"
  touch "$strimzi/.done"
fi

if [ ! -f "$spark/.done" ]; then
  rm -rf "$spark"; mkdir -p "$spark/src" "$spark/bin"
  GOBIN="$spark/bin" go install "sigs.k8s.io/controller-tools/cmd/controller-gen@$CONTROLLER_GEN_VERSION" >&2
  cd "$spark/src"
  cat > go.mod <<MOD
module weir.local/spark-operator-crds
go 1.24
require github.com/kubeflow/spark-operator/v2 $SPARK_OPERATOR_VERSION
MOD
  cat > tools.go <<'GO'
//go:build tools

package tools

import _ "github.com/kubeflow/spark-operator/v2/api/v1beta2"
GO
  go mod tidy >&2
  "$spark/bin/controller-gen" crd:generateEmbeddedObjectMeta=true \
    paths=github.com/kubeflow/spark-operator/v2/api/v1beta2 output:crd:dir="$spark" >&2
  cd "$CACHE"; rm -rf "$spark/src" "$spark/bin"
  touch "$spark/.done"
fi
echo "$CACHE/crds"
