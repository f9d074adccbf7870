#!/usr/bin/env bash
# Installs what the end-to-end tests need on a clean Debian 12 machine (helm: .ci/helm-setup.sh).
# Idempotent: every step is skipped when its result is already present, so
# `npm run test:e2e` can call it on every run.
set -euo pipefail

# The newest unleash-server 8.x. Its engines ask for Node 22, but it runs on Node 20 (the
# e2e suite is the proof); npm only warns about engines unless engine-strict is set.
UNLEASH_SERVER_VERSION="8.2.0"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UNLEASH_DIR="${REPO_ROOT}/.cache/unleash-server"

log() { printf '[e2e-setup] %s\n' "$*"; }

run_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_debian_packages() {
  local missing=()
  for pkg in "$@"; do
    if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      log "Debian package '$pkg' already installed"
    else
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then return; fi
  log "Installing Debian packages: ${missing[*]}"
  run_as_root apt-get update -qq
  # The postgresql package would start a system-wide cluster; the tests create
  # their own throwaway clusters, so the default one is harmless but unused.
  run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
}

install_unleash_server() {
  # Written only after npm succeeded, so an interrupted install is redone.
  local marker="${UNLEASH_DIR}/.installed-${UNLEASH_SERVER_VERSION}"
  if [ -f "$marker" ]; then
    log "unleash-server@${UNLEASH_SERVER_VERSION} already in ${UNLEASH_DIR}"
    return
  fi
  log "Installing unleash-server@${UNLEASH_SERVER_VERSION} into ${UNLEASH_DIR} (about a minute)"
  rm -rf "$UNLEASH_DIR"
  mkdir -p "$UNLEASH_DIR"
  # Its own package.json keeps unleash-server out of the project's dependency tree.
  cat >"${UNLEASH_DIR}/package.json" <<JSON
{
  "name": "unleash-server-e2e-cache",
  "private": true,
  "description": "Cached unleash-server used only by the end-to-end tests",
  "dependencies": { "unleash-server": "${UNLEASH_SERVER_VERSION}" }
}
JSON
  local started=$SECONDS
  npm install --prefix "$UNLEASH_DIR" --omit=dev --no-audit --no-fund --loglevel=error
  touch "$marker"
  log "unleash-server installed in $((SECONDS - started))s"
}

started_total=$SECONDS
install_debian_packages postgresql chromium
install_unleash_server
bash "${REPO_ROOT}/.ci/helm-setup.sh"
log "Done in $((SECONDS - started_total))s"
