#!/usr/bin/env bash
# Makes sure Debian's chromium is installed for the browser tests (test/e2e). Does nothing when
# it is already there, so it is safe to run before every browser test run.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  as_root=(sudo)
fi

echo "Installing chromium for the browser tests" >&2
"${as_root[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y --no-install-recommends chromium
