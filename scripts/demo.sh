#!/bin/sh
# `make demo`: what kigen does today, on the sample files, with outputs under out/demo/.
# (Later stages make this the full nightly run: load the sample extract, run, render.)
set -eu
KIGEN=$1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/out/demo"
mkdir -p "$OUT"
umask 077

echo "== embedded database"
sh "$ROOT/scripts/db.sh" status

echo "== kigen expiry < samples/certificates.csv (expiry, renewal window, cause)"
status=0
"$KIGEN" expiry <"$ROOT/samples/certificates.csv" >"$OUT/expiry.csv" || status=$?
paste -d' ' "$ROOT/samples/certificates.csv" "$OUT/expiry.csv" | sed 's/ /  ->  /'
echo "(exit status $status: 1 means some lines were exceptions, reported as error:<code>)"

echo "== kigen wareki < samples/dates.txt"
"$KIGEN" wareki <"$ROOT/samples/dates.txt" >"$OUT/wareki.txt" || true
paste -d' ' "$ROOT/samples/dates.txt" "$OUT/wareki.txt"

echo "== outputs in $OUT"
ls -l "$OUT"
