#!/usr/bin/env bash
# Services for the full test run: headless Chromium (report test) and a
# PostgreSQL server (API tests). Each step is skipped when already present.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium (Debian package) for the report test"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "warning: chromium could not be installed; the browser test will skip"
fi
if [ -x "$here/ensure-postgres.sh" ] || [ -f "$here/ensure-postgres.sh" ]; then
  bash "$here/ensure-postgres.sh"
fi
