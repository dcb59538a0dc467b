#!/usr/bin/env bash
# Services for the full test run: headless Chromium and its ChromeDriver
# (report, route-sheet PDF and the web page's Selenium tests) and a
# PostgreSQL server (API tests). Each step is skipped when already present.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "installing chromium and chromium-driver (Debian packages) for the browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
    || echo "warning: chromium could not be installed; the browser tests will skip"
fi
if [ -x "$here/ensure-postgres.sh" ] || [ -f "$here/ensure-postgres.sh" ]; then
  bash "$here/ensure-postgres.sh"
fi
