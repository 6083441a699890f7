#!/bin/sh
# Install the Debian packages the tests need, when missing: Chromium for the browser
# tests (Playwright drives Debian's binary; it cannot download its own here).
set -eu
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need="$need fonts-dejavu-core"
[ -z "$need" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing Debian packages:$need"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $need
