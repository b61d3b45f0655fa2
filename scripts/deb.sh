#!/bin/sh
# `make deb`: the Debian package (debian/) built from a copy of the source, so that the
# checkout stays as it is: the copy is OUT/kigen-<version>/ (the files git knows,
# committed or not; without git, the tree less build/, var/ and out/), built with
# `dpkg-buildpackage -us -uc -b`; the .deb files land in OUT/.
#   scripts/deb.sh OUT
set -eu
ROOT=$(cd -P "$(dirname "$0")/.." && pwd -P)
OUT=${1:?usage: scripts/deb.sh OUT}
for tool in dpkg-buildpackage dh; do
    if ! command -v "$tool" >/dev/null; then
        echo "deb: unable to build the package: $tool is missing" >&2
        echo "HINT: apt-get install dpkg-dev debhelper (scripts/deps.sh lists them)" >&2
        exit 1
    fi
done
version=$(dpkg-parsechangelog -l "$ROOT/debian/changelog" -S Version)
code_version=$(sed -n 's/^#define KIGEN_VERSION "\(.*\)"$/\1/p' "$ROOT/batch/version.h")
if [ "$version" != "$code_version" ]; then
    echo "deb: unable to build: debian/changelog says $version, batch/version.h $code_version" >&2
    exit 1
fi
mkdir -p "$OUT"
OUT=$(cd -P "$OUT" && pwd -P)
SRC="$OUT/kigen-$version"
rm -rf "$SRC"
mkdir "$SRC"
cd "$ROOT"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard |
        xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
        tar --null -T - -cf - | tar -xf - -C "$SRC"
else
    tar --exclude=./build --exclude=./var --exclude=./out --exclude=./kigen -cf - . |
        tar -xf - -C "$SRC"
fi
rm -f "$OUT"/kigen_"$version"_*.deb "$OUT"/kigen-dbgsym_"$version"_*.deb \
    "$OUT"/kigen_"$version"_*.buildinfo "$OUT"/kigen_"$version"_*.changes
cd "$SRC"
dpkg-buildpackage -us -uc -b
echo "deb: built in $OUT:"
ls -1 "$OUT"/*.deb
