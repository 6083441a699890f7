#!/bin/sh
# Install the Debian packages Pitwall needs, when missing.
#   runtime: Pango and HarfBuzz for WeasyPrint (the PDF report) and DejaVu fonts; a Java 17
#            runtime for the build on Spark (`python -m pitwall build --engine spark`).
#   test:    the runtime ones, and Chromium for the browser tests (Playwright drives
#            Debian's binary; it cannot download its own here).
set -eu
what="${1:-test}"
need=""
for pkg in fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need="$need $pkg"
done
# Spark 4 runs on Java 17 or newer: any java on the PATH (or JAVA_HOME) will do.
java=""
if ! command -v java >/dev/null 2>&1 && [ -z "${JAVA_HOME:-}" ]; then
    java="yes"
fi
if [ "$what" = "test" ]; then
    command -v chromium >/dev/null 2>&1 || need="$need chromium"
fi
[ -z "$need$java" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -q
if [ -n "$java" ]; then
    # Debian 12 ships Java 17, Debian 13 Java 21; the JRE's setup needs this folder on
    # slim images
    for jre in openjdk-17-jre-headless openjdk-21-jre-headless; do
        if apt-cache show "$jre" >/dev/null 2>&1; then need="$need $jre"; break; fi
    done
    $SUDO mkdir -p /usr/share/man/man1
fi
echo "Installing Debian packages:$need"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $need
