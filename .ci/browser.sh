#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver for the console's browser test when they are missing. The test drives
# /usr/bin/chromium through /usr/bin/chromedriver (Selenium), never downloading a browser or a driver.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "installing chromium and chromium-driver from Debian packages" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >&2
fi
