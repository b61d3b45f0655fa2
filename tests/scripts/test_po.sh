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
. "$ROOT/tests/scripts/lib.sh" # check, contains, finish
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

# The configuration wins over the environment, for a message written after it is read
# (the database cannot be reached): language = en under LC_ALL=ja_JP.UTF-8, language = ja
# under LANG=C (D107).
printf 'language = en\n' >"$work/en.conf"
printf 'language = ja\n' >"$work/ja.conf"
nowhere="host=/nonexistent dbname=x"
LC_ALL=ja_JP.UTF-8 LANGUAGE= "$KIGEN" db version --config "$work/en.conf" --db "$nowhere" \
    2>"$work/en"
check "language = en wins over LC_ALL=ja_JP.UTF-8" \
    contains "$(cat "$work/en")" "kigen: error: unable to connect to the database:"
LC_ALL= LC_MESSAGES= LANG=C "$KIGEN" db version --config "$work/ja.conf" --db "$nowhere" \
    2>"$work/ja"
check "language = ja wins over LANG=C" \
    contains "$(cat "$work/ja")" "kigen: エラー: データベースに接続できません:"
check "language = ja: libpq's own message is readable UTF-8, not '?'" \
    [ "$(grep -c '??' "$work/ja")" -eq 0 ]
LC_ALL= LC_MESSAGES= LANG=C "$KIGEN" load --config "$work/ja.conf" "$work/no-such-folder" \
    --db "$nowhere" 2>"$work/load"
check "language = ja: kigen load" contains "$(cat "$work/load")" "kigen: エラー:"

# The lint that keeps a message from being added untranslated (make lint, D108): it finds a
# literal format of kg_fail, kg_hint, log_line, draw_status_fail or fprintf(stderr), and
# lets a marked line or a format without words pass.
printf '%s\n' 'static kg_err f(kg_errbuf *errbuf, const log_sink *log)' '{' \
    '    log_line(log, LOG_INFO,' '             "a message nobody translated %s", "x");' \
    '    return kg_fail(errbuf, KG_ERR_USAGE, "unable to do it: %s", "x");' '}' \
    >"$work/untranslated.c"
printf '%s\n' 'static kg_err f(kg_errbuf *errbuf, const log_sink *log, FILE *out)' '{' \
    '    /* i18n: untranslated (a script reads this line) */' \
    '    log_line(log, LOG_INFO, "key=%s", "x");' '    fprintf(out, "data,%s\n", "x");' \
    '    kg_hint(errbuf, "%s: %s", "a", "b");' \
    '    return kg_fail(errbuf, KG_ERR_USAGE, _("unable to do it: %s"), "x");' '}' \
    >"$work/translated.c"
if command -v python3 >/dev/null; then
    python3 "$ROOT/scripts/lint_messages.py" "$work/untranslated.c" >"$work/lint" 2>&1
    check "the message lint refuses an untranslated format" [ $? -eq 1 ]
    check "the message lint names both calls" \
        [ "$(grep -c 'untranslated.c:[35]:' "$work/lint")" -eq 2 ]
    check "the message lint lets translated, marked and wordless formats pass" \
        python3 "$ROOT/scripts/lint_messages.py" "$work/translated.c"
fi
finish
