#!/bin/sh
# Install the Debian packages Pitwall needs, when missing.
#   runtime: Pango and HarfBuzz for WeasyPrint (the PDF report) and DejaVu fonts.
#   test:    the runtime ones, and Chromium for the browser tests (Playwright drives
#            Debian's binary; it cannot download its own here).
set -eu
what="${1:-test}"
need=""
for pkg in fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need="$need $pkg"
done
if [ "$what" = "test" ]; then
    command -v chromium >/dev/null 2>&1 || need="$need chromium"
fi
[ -z "$need" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing Debian packages:$need"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $need
