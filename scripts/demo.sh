#!/bin/sh
# `make demo`: what kigen does today, end to end on the sample data, outputs under out/.
#   1. a fresh database `kigen_demo` in the embedded cluster, schema migrated
#   2. the sample extract loaded (bad rows reported, the rest loaded), then loaded again
#      to show that a repeated load changes nothing
#   3. the nightly run for the demo date 2026-12-01 (samples/kigen.conf), then the same
#      run again: the same files, nothing recorded twice
#   4. the auditor workbook: audit.xlsx of the run, and kigen export of a period
#   5. the expiry and wareki filters on samples/
#   (3 writes the print files: notices with their enclosed forms, the inquiries for the
#    proxy requests and the registered-mail list; a counter scan of a returned form is
#    shown by `kigen forms`)
set -eu
KIGEN=$1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/out/demo"
umask 077
mkdir -p "$OUT"
eval "$(sh "$ROOT/scripts/db.sh" env)"
export PGDATABASE=kigen_demo

echo "== 1. a fresh demo database in the embedded cluster ($PGHOST)"
sh "$ROOT/scripts/db.sh" recreate kigen_demo
"$KIGEN" db migrate

echo
echo "== 2. kigen load samples/extract (UTF-8; samples/README.md says what each row tests)"
status=0
"$KIGEN" load "$ROOT/samples/extract" 2>"$OUT/load-errors.txt" >"$OUT/load-summary.txt" || status=$?
cat "$OUT/load-summary.txt"
echo "-- rejected rows (file:line: column: reason), exit status $status (1: some rows rejected):"
cat "$OUT/load-errors.txt"
echo "-- the same extract in CP932, loaded again: nothing changes"
"$KIGEN" load "$ROOT/samples/extract-cp932" --encoding cp932 2>/dev/null || true

echo
echo "== 3. kigen run --date 2026-12-01 --out out/demo --config samples/kigen.conf"
rm -rf "$OUT/2026-12-01"
status=0
"$KIGEN" run --date 2026-12-01 --out "$OUT" --config "$ROOT/samples/kigen.conf" || status=$?
echo "(exit status $status: 0 when the night is recorded and written; its bad_data exclusions"
echo " are in the summary above, excluded.csv and audit.xlsx; --strict makes them exit 1)"
echo "-- first notices (notices.csv):"
head -6 "$OUT/2026-12-01/notices.csv"
echo "-- first exclusions (excluded.csv), one reason each:"
head -6 "$OUT/2026-12-01/excluded.csv"
echo "-- print files (a notice and its enclosed proxy form per resident, in print order):"
for f in "$OUT"/2026-12-01/notices-*.pdf "$OUT"/2026-12-01/forms-*.pdf; do
    printf '   %s: %s pages\n' "$(basename "$f")" "$(pdfinfo "$f" | sed -n 's/^Pages: *//p')"
done
echo "-- inquiries mailed by 簡易書留 for the proxy requests (registered-mail.csv; the post"
echo "   office's list is registered-mail.pdf):"
cat "$OUT/2026-12-01/registered-mail.csv"
first_form=$(sed -n 2p "$OUT/2026-12-01/registered-mail.csv" | cut -d, -f1)
echo "-- at the counter: the answered form $first_form comes back today, is scanned twice, the"
echo "   second scan is taken back, and the forms still out are listed (kigen forms return,"
echo "   return --undo, status):"
"$KIGEN" -q forms return "$first_form" || true
"$KIGEN" -q forms return "$first_form" || true
"$KIGEN" -q forms return "$first_form" --undo || true
"$KIGEN" -q forms status --date 2027-01-15 || true
echo "-- the same night again: files rewritten from the ledger, nothing new recorded"
"$KIGEN" -q run --date 2026-12-01 --out "$OUT" --config "$ROOT/samples/kigen.conf" | head -1 || true

echo
echo "== 4. the auditor workbook: out/demo/2026-12-01/audit.xlsx (written by the run), and"
echo "   kigen export --from 2026-11-01 --to 2026-12-31 --xlsx out/demo/audit-2026-11-12.xlsx"
"$KIGEN" -q export --from 2026-11-01 --to 2026-12-31 --xlsx "$OUT/audit-2026-11-12.xlsx"
echo "(sheets Summary, Notices, Excluded, Recent movers, Forms, Forecast; open them in a spreadsheet)"

echo
echo "== 5. kigen expiry < samples/certificates.csv (expiry, renewal window, cause)"
status=0
"$KIGEN" expiry <"$ROOT/samples/certificates.csv" >"$OUT/expiry.csv" || status=$?
paste -d' ' "$ROOT/samples/certificates.csv" "$OUT/expiry.csv" | sed 's/ /  ->  /'
echo "(exit status $status: 1 means some lines were exceptions, reported as error:<code>)"

echo
echo "== kigen wareki < samples/dates.txt"
"$KIGEN" wareki <"$ROOT/samples/dates.txt" >"$OUT/wareki.txt" || true
paste -d' ' "$ROOT/samples/dates.txt" "$OUT/wareki.txt"

echo
echo "== outputs in $OUT (private to you)"
ls -l "$OUT" "$OUT/2026-12-01"
