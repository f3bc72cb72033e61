#!/usr/bin/env bash
# Install Debian's Chromium and its driver for the portal's end-to-end tests (no browser download by
# Selenium Manager or Playwright). Does nothing when /usr/bin/chromium is already there.
set -euo pipefail
if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  exit 0
fi
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-noto-core >/dev/null
/usr/bin/chromium --version
/usr/bin/chromedriver --version
