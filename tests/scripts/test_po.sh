#!/bin/sh
# Every message of the sources has its Japanese (batch/common/i18n.h, po/ja.po): the
# messages are extracted as `make po` does, and each catalogue must hold every one of
# them, translated, none fuzzy, none obsolete, with the same printf conversions
# (msgfmt --check). And kigen speaks it: `language = ja|en` in a configuration wins over
# the environment, and LANG=ja_JP.UTF-8 gives Japanese on a machine without that locale
# (LANG=C English). Run by `make test`; skips without gettext's tools.
set -u

ROOT=$(cd -P "$(dirname "$0")/../.." && pwd -P)
NAME=test_po
KIGEN=${KIGEN_BIN:-$ROOT/build/release/kigen}
for tool in xgettext msgcmp msgattrib msgfmt; do
    if ! command -v "$tool" >/dev/null; then
        echo "$NAME: skipped: needs $tool"
        exit 0
    fi
done
. "$ROOT/tests/scripts/lib.sh" # check, contains
work=$(mktemp -d "${TMPDIR:-/tmp}/kigen-test-po.XXXXXX")
trap 'rm -rf "$work"' EXIT

make -s -C "$ROOT" build/kigen.pot >/dev/null
pot="$ROOT/build/kigen.pot"
for po in "$ROOT"/po/*.po; do
    lang=$(basename "$po" .po)
    msgcmp --use-untranslated "$po" "$pot" 2>"$work/cmp"
    check "po/$lang.po holds every message of the sources (else: make po, then translate)" \
        [ ! -s "$work/cmp" ]
    head -20 "$work/cmp"
    msgattrib --untranslated --no-obsolete --no-wrap "$po" | grep '^msgid "[^"]' >"$work/untr"
    check "po/$lang.po translates every message" [ ! -s "$work/untr" ]
    head -20 "$work/untr"
    msgattrib --only-fuzzy --no-obsolete --no-wrap "$po" | grep '^msgid "[^"]' >"$work/fuzzy"
    check "po/$lang.po has no fuzzy message" [ ! -s "$work/fuzzy" ]
    head -20 "$work/fuzzy"
    msgattrib --only-obsolete "$po" | grep '^#~ msgid' >"$work/obsolete"
    check "po/$lang.po keeps no obsolete message (make po removes them)" [ ! -s "$work/obsolete" ]
    check "po/$lang.po passes msgfmt --check (the same conversions)" \
        msgfmt --check --output-file=/dev/null "$po"
done

# The language: the configuration first, then the environment; no ja_JP locale needed.
printf 'language = xx\n' >"$work/bad.conf"
LC_ALL= LC_MESSAGES= LANG=C "$KIGEN" forms status --config "$work/bad.conf" 2>"$work/c"
check "LANG=C: English" contains "$(cat "$work/c")" "unable to use language = 'xx': use ja or en"
LC_ALL= LC_MESSAGES= LANG=ja_JP.UTF-8 "$KIGEN" forms status --config "$work/bad.conf" 2>"$work/ja"
check "LANG=ja_JP.UTF-8 (no such locale here perhaps): Japanese" \
    contains "$(cat "$work/ja")" "language = 'xx' は使用できません"
if [ "$failed" -ne 0 ]; then
    echo "$NAME: FAILED"
    exit 1
fi
echo "$NAME: all passed"
