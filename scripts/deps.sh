#!/bin/sh
# Checks that the Debian packages kigen needs are installed; as root, installs the missing
# ones (apt-get update first). Not root: prints the exact apt-get line and fails.
# This is the only place that lists the project's system packages.
#   scripts/deps.sh        what building, testing and the demo need
#   scripts/deps.sh fuzz   what `make fuzz` needs besides: clang and its libFuzzer runtime
#                          (without them `make test` replays the fuzz corpus only)
set -eu

PACKAGES="build-essential pkg-config
libpq-dev postgresql postgresql-contrib gettext
libcairo2-dev libharfbuzz-dev libfreetype-dev
libxlsxwriter-dev zlib1g-dev libcunit1-dev
fonts-ipaexfont fonts-ipamj-mincho
poppler-utils bc groff
libzint-dev python3-openpyxl python3-xlsxwriter python3-psycopg2 python3-reportlab time
zbar-tools
libreoffice-calc-nogui
debhelper dpkg-dev lintian"
if [ "${1:-}" = fuzz ]; then
    PACKAGES="clang libclang-rt-dev"
fi

missing=""
for pkg in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $pkg" ;;
    esac
done

if [ -z "$missing" ]; then
    echo "deps: all packages present"
    exit 0
fi

echo "deps: missing:$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: unable to install packages: not running as root" >&2
    echo "HINT: sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
echo "deps: installed:$missing"
