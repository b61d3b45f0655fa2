#!/bin/sh
# kigen leaves its checkout: `make install PREFIX=<temporary>` (no DESTDIR) puts the binary,
# the templates, the configuration and its example, the man page and the systemd units in
# place; the installed binary, run from / against the test database, finds its templates
# in PREFIX/share/kigen and decides the same night as the checkout's binary (the CSV files
# byte for byte; the forms' lists but for their random control numbers), and writes that
# night again from its ledger byte for byte (CSV files, manifest, print files, workbook,
# and the same pdftotext); it reads PREFIX/etc/kigen/kigen.conf by
# default for run, export, forms status and purge, takes a relative template path from
# that file's directory, and --config replaces the file; a second install keeps an edited
# configuration; `make uninstall` leaves nothing but the configuration. The man page
# renders without a warning (groff -man -ww). Run by `make test` inside scripts/with-db.sh
# (PG* of the test database); skips without a database or the tools.
set -u

ROOT=$(cd -P "$(dirname "$0")/../.." && pwd -P)
NAME=test_install
CHECKOUT_KIGEN=${KIGEN_BIN:-$ROOT/build/release/kigen}
if [ -z "${PGDATABASE:-}" ] || [ -z "${PGHOST:-}" ]; then
    echo "$NAME: skipped: needs the test database's PG* variables (run by make test)"
    exit 0
fi
for tool in make install pdftotext cmp; do
    if ! command -v "$tool" >/dev/null; then
        echo "$NAME: skipped: needs $tool"
        exit 0
    fi
done
. "$ROOT/tests/scripts/lib.sh" # check, contains, finish

SCRATCH=$(mktemp -d /tmp/kigen-test-install-XXXXXX)
PREFIX="$SCRATCH/prefix"
trap 'rm -rf "$SCRATCH"' EXIT
trap 'exit 1' INT TERM
# make as a user would type it: nothing of the make that runs this test (its jobserver,
# its BUILD) leaks into it
install_make() {
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD make -C "$ROOT" --no-print-directory "$@"
}

echo "== $NAME (1): make install PREFIX=$PREFIX"
install_make install PREFIX="$PREFIX" >"$SCRATCH/install.log" 2>&1
status=$?
[ "$status" -eq 0 ] || sed 's/^/  /' "$SCRATCH/install.log"
check "make install exits 0" [ "$status" -eq 0 ]
KIGEN="$PREFIX/bin/kigen"
installed() {
    for file in "$@"; do
        [ -f "$PREFIX/$file" ] || { echo "  missing: $PREFIX/$file"; return 1; }
    done
}
check "the binary, templates, configuration, example, man page and units are in place" \
    installed bin/kigen share/kigen/templates/notice.tmpl share/kigen/templates/enclosure.tmpl \
    share/kigen/templates/inquiry.tmpl etc/kigen/kigen.conf share/kigen/kigen.conf.example \
    share/man/man1/kigen.1 lib/systemd/system/kigen-nightly.service \
    lib/systemd/system/kigen-nightly.timer lib/sysusers.d/kigen.conf lib/tmpfiles.d/kigen.conf
check "the binary is executable (0755)" [ "$(stat -c %a "$KIGEN")" = 755 ]
check "the configuration names the installed templates" \
    contains "$(cat "$PREFIX/etc/kigen/kigen.conf")" "$PREFIX/share/kigen/templates/notice.tmpl"
check "the unit starts the installed binary" contains \
    "$(cat "$PREFIX/lib/systemd/system/kigen-nightly.service")" "ExecStart=$KIGEN load"
check "no text file installed names the checkout" [ -z "$(grep -rlI -F "$ROOT" "$PREFIX")" ]
if command -v groff >/dev/null; then
    man_warnings() { groff -man -ww -z "$1" 2>&1; }
    check "man/kigen.1 renders without a warning" [ -z "$(man_warnings "$ROOT/man/kigen.1")" ]
    check "and so does the installed copy" \
        [ -z "$(man_warnings "$PREFIX/share/man/man1/kigen.1")" ]
else
    echo "$NAME: skipped the man page check: no groff (scripts/deps.sh installs it)"
fi

echo "== $NAME (2): the night of 2026-12-01, installed and checkout binaries, from /"
# a fresh test database, the schema, the sample extract, the run (0: bad_data rows are
# reported, not an error: D76)
night() {
    (
        cd / || exit 9
        sh "$ROOT/scripts/db.sh" recreate "$PGDATABASE" >/dev/null 2>&1 || exit 9
        "$1" -q db migrate || exit 9
        "$1" -q load "$ROOT/samples/extract" >/dev/null 2>&1
        [ $? -le 1 ] || exit 9
        "$1" -q run --date 2026-12-01 --out "$2" >/dev/null
    )
}
night "$KIGEN" "$SCRATCH/installed"
installed_status=$?
installed_template=$(psql -X -qtAc "SELECT config->>'template' FROM kigen.runs" 2>&1)
night "$CHECKOUT_KIGEN" "$SCRATCH/checkout"
checkout_status=$?
both_exit_0() { [ "$installed_status" -eq 0 ] && [ "$checkout_status" -eq 0 ]; }
check "the installed binary's run exits 0 (the sample's bad_data reported, D76), as the checkout's" both_exit_0
check "the installed run took the installed templates" \
    [ "$installed_template" = "$PREFIX/share/kigen/templates/notice.tmpl" ]
INSTALLED_DIR="$SCRATCH/installed/2026-12-01"
CHECKOUT_DIR="$SCRATCH/checkout/2026-12-01"
same_list() { [ "$(ls -A "$1")" = "$(ls -A "$2")" ]; }
check "the same files ($(ls "$CHECKOUT_DIR" 2>/dev/null | wc -l))" same_list "$CHECKOUT_DIR" \
    "$INSTALLED_DIR"
has_files() {
    for pattern in notices.csv manifest.json audit.xlsx 'notices-*.pdf' 'forms-*.pdf'; do
        # shellcheck disable=SC2086
        ls "$1"/$pattern >/dev/null 2>&1 || { echo "  no $pattern"; return 1; }
    done
}
check "among them the CSV files, manifest, workbook and print files" has_files "$INSTALLED_DIR"
# Two databases decide the same night alike, but the forms' control numbers are random
# (D63) and the workbook is titled with the run's record time: the lists without a
# control number are compared as they are, those with one with the numbers masked.
same_bytes() {
    status=0
    for name in "$@"; do
        cmp -s "$CHECKOUT_DIR/$name" "$INSTALLED_DIR/$name" || { echo "  differs: $name"; status=1; }
    done
    return $status
}
check "notices, districts, exclusions and findings are the same, byte for byte" \
    same_bytes notices.csv districts.csv excluded.csv findings.csv
# a control number: a field of 12 characters, stored (forms.csv) or as printed
masked() {
    sed -E 's/(^|,)[0-9A-Z]{4}-?[0-9A-Z]{4}-?[0-9A-Z]{4}(,|$)/\1<control_no>\2/g' "$1"
}
same_masked() {
    for name in forms.csv registered-mail.csv; do
        masked "$CHECKOUT_DIR/$name" | grep -q '<control_no>' ||
            { echo "  no control number found in $name"; return 1; }
        [ "$(masked "$CHECKOUT_DIR/$name")" = "$(masked "$INSTALLED_DIR/$name")" ] ||
            { echo "  differs: $name"; return 1; }
    done
}
check "forms and registered mail too, but for the control numbers" same_masked
# The same ledger: the installed binary writes the checkout binary's night again, as a
# re-run does (from the ledger alone), into another folder. Every byte must be the same.
(cd / && "$KIGEN" -q run --date 2026-12-01 --out "$SCRATCH/rerun" >/dev/null)
rerun_status=$?
RERUN_DIR="$SCRATCH/rerun/2026-12-01"
check "the installed binary re-runs the checkout's night (exit $rerun_status)" \
    [ "$rerun_status" -le 1 ]
check "the same files" same_list "$CHECKOUT_DIR" "$RERUN_DIR"
same_rerun() {
    status=0
    for file in "$CHECKOUT_DIR"/*; do
        name=$(basename "$file")
        cmp -s "$file" "$RERUN_DIR/$name" || { echo "  differs: $name"; status=1; }
    done
    return $status
}
check "every file byte for byte: CSV, manifest.json, print files, workbook" same_rerun
same_text() {
    status=0
    for file in "$CHECKOUT_DIR"/*.pdf; do
        name=$(basename "$file")
        pdftotext "$file" "$SCRATCH/checkout.txt" && pdftotext "$RERUN_DIR/$name" \
            "$SCRATCH/installed.txt" && [ -s "$SCRATCH/checkout.txt" ] &&
            cmp -s "$SCRATCH/checkout.txt" "$SCRATCH/installed.txt" ||
            { echo "  text differs or is empty: $name"; status=1; }
    done
    return $status
}
check "and the print files' text (pdftotext) is there and the same" same_text

echo "== $NAME (3): PREFIX/etc/kigen/kigen.conf, read by default"
CONF="$PREFIX/etc/kigen/kigen.conf"
cp "$CONF" "$SCRATCH/kigen.conf.installed"
cp "$PREFIX/share/kigen/templates/notice.tmpl" "$PREFIX/etc/kigen/my-notice.tmpl"
printf 'lead_days = 20\ntemplate = my-notice.tmpl\n' >>"$CONF"
dry_run() { (cd / && "$KIGEN" run --dry-run --date 2026-12-01 "$@" 2>&1 >/dev/null); }
log=$(dry_run)
check "run reads it: lead_days 20" contains "$log" '"lead_days": 20,'
check "a relative template is taken from its directory" \
    contains "$log" "\"template\": \"$PREFIX/etc/kigen/my-notice.tmpl\""
printf 'lead_days = 30\n' >"$SCRATCH/other.conf"
log=$(dry_run --config "$SCRATCH/other.conf")
check "--config FILE reads FILE instead: lead_days 30, the installed template" \
    contains "$log" "\"lead_days\": 30, \"mover_months\": 6, \"window\": \"w1\", \"feb29\": \"feb28\", \"max_pages\": 1000, \"template\": \"$PREFIX/share/kigen/templates/notice.tmpl\""
log=$(dry_run --lead-days 7)
check "an option still overrides the file" contains "$log" '"lead_days": 7,'
# an invalid value in the default file stops each command that reads it (exit 2)
printf 'retention_years = 0\n' >>"$CONF"
refuses() {
    out=$(cd / && "$KIGEN" "$@" 2>&1 >/dev/null </dev/null)
    status=$?
    [ "$status" -eq 2 ] && contains "$out" "$CONF:" ||
        { echo "  kigen $*: status $status: $out"; return 1; }
}
check "run reads it" refuses run --dry-run --date 2026-12-01
check "export reads it" refuses export --from 2026-12-01 --to 2026-12-31 --xlsx "$SCRATCH/a.xlsx"
check "forms status reads it" refuses forms status --date 2026-12-01
check "purge reads it" refuses purge --dry-run
check "purge with --config does not" sh -c 'cd / && "$1" -q purge --dry-run --config "$2" \
    >/dev/null' sh "$KIGEN" "$SCRATCH/other.conf"
# every command reads it (D107), a filter too
check "load reads it" refuses load "$SCRATCH"
check "wareki reads it" refuses wareki
# kigen version reads it too, and says what is wrong, but prints the version all the same (D161)
warns() {
    out=$(cd / && "$KIGEN" "$@" 2>&1 >/dev/null </dev/null)
    status=$?
    [ "$status" -eq 0 ] && contains "$out" "$CONF:" &&
        contains "$out" "(the version is printed all the same)" ||
        { echo "  kigen $*: status $status: $out"; return 1; }
}
check "version reads it" warns version
# its language: every command speaks it, kigen --help too, from the installed catalogue
cp "$SCRATCH/kigen.conf.installed" "$CONF"
printf 'language = ja\n' >>"$CONF"
out=$(cd / && LC_ALL= LC_MESSAGES= LANG=C "$KIGEN" --help)
check "language = ja in it: kigen --help in Japanese" contains "$out" "使い方: kigen"
out=$(cd / && LC_ALL= LC_MESSAGES= LANG=C "$KIGEN" verify "$SCRATCH/no-such-night" 2>&1)
check "and a command's messages" contains "$out" "kigen: エラー: '$SCRATCH/no-such-night' を検証できません"

echo "== $NAME (4): make install again, then make uninstall"
printf '# edited by the operator\n' >"$CONF"
install_make install PREFIX="$PREFIX" >"$SCRATCH/install2.log" 2>&1
check "a second install keeps the edited configuration" \
    [ "$(cat "$CONF")" = "# edited by the operator" ]
check "and renews the example" \
    cmp -s "$PREFIX/share/kigen/kigen.conf.example" "$SCRATCH/kigen.conf.installed"
rm -f "$PREFIX/etc/kigen/my-notice.tmpl"
install_make uninstall PREFIX="$PREFIX" >"$SCRATCH/uninstall.log" 2>&1
status=$?
[ "$status" -eq 0 ] || sed 's/^/  /' "$SCRATCH/uninstall.log"
check "make uninstall exits 0" [ "$status" -eq 0 ]
left=$(cd "$PREFIX" && find . ! -type d | sort | tr '\n' ' ')
echo "  left under PREFIX: $left"
check "nothing but the configuration is left" [ "$left" = "./etc/kigen/kigen.conf " ]
check "and no folder of kigen's but etc/kigen" \
    [ "$(cd "$PREFIX" && find . -name 'kigen*' | sort | tr '\n' ' ')" = \
        "./etc/kigen ./etc/kigen/kigen.conf " ]

finish
