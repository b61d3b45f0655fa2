#!/bin/sh
# The Debian package: scripts/deb.sh (make deb) builds it from a copy of the source into a
# temporary folder, leaving the checkout as it was; the package holds /usr/bin/kigen, the
# templates, /etc/kigen/kigen.conf as a conffile, the man page, the systemd units, the
# kigen user and folders; it depends on the run-time libraries and the fonts, never on a
# -dev package; it does not enable the timer; its binary, unpacked, checks the unpacked
# templates and names the Debian paths; lintian reports no error or warning. Skips (status
# 0) without dpkg-buildpackage and debhelper (scripts/deps.sh installs them). Run by make
# test.
set -u

ROOT=$(cd -P "$(dirname "$0")/../.." && pwd -P)
NAME=test_deb
for tool in dpkg-buildpackage dh dpkg-deb; do
    if ! command -v "$tool" >/dev/null; then
        echo "$NAME: skipped: needs $tool (apt-get install dpkg-dev debhelper)"
        exit 0
    fi
done
. "$ROOT/tests/scripts/lib.sh" # check, contains, finish

SCRATCH=$(mktemp -d /tmp/kigen-test-deb-XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
trap 'exit 1' INT TERM

echo "== $NAME (1): the package, built into $SCRATCH/deb"
status_before=$(cd "$ROOT" && git status --porcelain 2>/dev/null)
(cd / && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD sh "$ROOT/scripts/deb.sh" \
    "$SCRATCH/deb") >"$SCRATCH/build.log" 2>&1
status=$?
[ "$status" -eq 0 ] || tail -n 30 "$SCRATCH/build.log" | sed 's/^/  /'
check "it builds" [ "$status" -eq 0 ]
check "the checkout is as it was" [ "$(cd "$ROOT" && git status --porcelain 2>/dev/null)" = \
    "$status_before" ]
DEB=$(ls "$SCRATCH"/deb/kigen_*_*.deb 2>/dev/null | head -n 1)
check "a .deb is there (${DEB##*/})" [ -n "$DEB" ]
if [ -z "$DEB" ]; then
    echo "$NAME: FAILED"
    exit 1
fi

echo "== $NAME (2): its contents"
dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$SCRATCH/files"
lists() {
    for file in "$@"; do
        grep -qx -e "$file" -e "/usr$file" "$SCRATCH/files" || { echo "  missing: $file"; return 1; }
    done
}
check "/usr/bin/kigen, the templates, the configuration and its example, the man page" lists \
    /usr/bin/kigen /usr/share/kigen/templates/notice.tmpl \
    /usr/share/kigen/templates/enclosure.tmpl /usr/share/kigen/templates/inquiry.tmpl \
    /etc/kigen/kigen.conf /usr/share/kigen/kigen.conf.example /usr/share/man/man1/kigen.1.gz
check "the systemd units (/lib or /usr/lib), the kigen user and folders" lists \
    /lib/systemd/system/kigen-nightly.service /lib/systemd/system/kigen-nightly.timer \
    /usr/lib/sysusers.d/kigen.conf /usr/lib/tmpfiles.d/kigen.conf
check "operations.md and the cron example among the documents" lists \
    /usr/share/doc/kigen/operations.md.gz /usr/share/doc/kigen/examples/kigen.cron
mkdir "$SCRATCH/control"
dpkg-deb -e "$DEB" "$SCRATCH/control"
check "/etc/kigen/kigen.conf is a conffile" \
    [ "$(cat "$SCRATCH/control/conffiles" 2>/dev/null)" = /etc/kigen/kigen.conf ]
depends=$(dpkg-deb -f "$DEB" Depends)
echo "  Depends: $depends"
check "Depends has no -dev package" [ -z "$(echo "$depends" | tr ',|' '\n\n' | grep -- '-dev')" ]
check "Depends names the fonts, libpq and cairo" sh -c 'for pkg in fonts-ipaexfont-mincho \
    fonts-ipamj-mincho libpq5 libcairo2; do case $1 in *"$pkg"*) ;; *) exit 1 ;; esac; done' \
    sh "$depends"
# dh_installsystemd --no-enable --no-start: the timer's links are touched only when the
# package was installed before (debian-installed), and nothing is started
not_enabled() {
    postinst=$(cat "$SCRATCH/control/postinst")
    contains "$postinst" "deb-systemd-helper debian-installed 'kigen-nightly.timer'" &&
        ! contains "$postinst" "deb-systemd-invoke start"
}
check "the timer is neither enabled nor started at installation" not_enabled
check "the kigen user is created at installation (systemd-sysusers)" \
    contains "$(cat "$SCRATCH/control/postinst")" "systemd-sysusers"

echo "== $NAME (3): the unpacked binary"
dpkg-deb -x "$DEB" "$SCRATCH/root"
out=$("$SCRATCH/root/usr/bin/kigen" template check "$SCRATCH"/root/usr/share/kigen/templates/*.tmpl 2>&1)
status=$?
[ "$status" -eq 0 ] || echo "  $out"
check "checks the unpacked templates (fonts from the Depends)" [ "$status" -eq 0 ]
names() { grep -c -a -F "$1" "$SCRATCH/root/usr/bin/kigen" >/dev/null; }
debian_paths() { names /usr/share/kigen && names /etc/kigen/kigen.conf; }
check "names /usr/share/kigen and /etc/kigen/kigen.conf" debian_paths
check "names no folder of the build" [ -z "$(grep -a -o -F "$SCRATCH/deb/kigen-" \
    "$SCRATCH/root/usr/bin/kigen" | head -n 1)" ]

echo "== $NAME (4): lintian"
if command -v lintian >/dev/null; then
    lintian --allow-root --pedantic -I --fail-on error,warning \
        "$SCRATCH"/deb/kigen_*_*.changes >"$SCRATCH/lintian.txt" 2>&1
    status=$?
    sed 's/^/  /' "$SCRATCH/lintian.txt"
    check "no error or warning (the overridden tag: debian/README.source)" [ "$status" -eq 0 ]
else
    echo "$NAME: skipped lintian: not installed"
fi

finish
