#!/usr/bin/python3
# xlsx_baseline.py - the `make bench` baseline for `kigen export`: Python XlsxWriter in
# constant-memory mode writing the rows of kigen's own Notices query (passed as argv[1],
# from `kigen export --notices-sql`) read with psycopg2 through a server-side cursor.
# Same columns and cell types as kigen's Notices sheet; not part of kigen.
#   xlsx_baseline.py SQL FROM TO OUT.xlsx TMPDIR     (libpq environment: PGHOST, PGDATABASE)
import datetime
import sys

import psycopg2
import xlsxwriter

sql, date_from, date_to, out_path, tmpdir = sys.argv[1:6]
conn = psycopg2.connect("")
cur = conn.cursor()
cur.execute("CREATE TEMP TABLE export_params (from_date date, to_date date)")
cur.execute("INSERT INTO pg_temp.export_params VALUES (%s, %s)", (date_from, date_to))
cur.execute("ANALYZE pg_temp.export_params")  # as kigen does: the same plan
rows = conn.cursor(name="notices")  # server-side: rows stream, memory stays flat
rows.itersize = 10000
rows.execute(sql)

book = xlsxwriter.Workbook(out_path, {"constant_memory": True, "tmpdir": tmpdir})
sheet = book.add_worksheet("Notices")
date_format = book.add_format({"num_format": "yyyy-mm-dd"})
headers = ["notice_no", "run_date", "resident_id", "name", "postal_code", "office",
           "certificate_id", "type", "expiry", "window_open", "cause", "file", "page"]
sheet.write_row(3, 0, headers)
row_idx = 4
for record in rows:
    for col, value in enumerate(record):
        if value is None:
            continue
        if isinstance(value, datetime.date):
            sheet.write_datetime(row_idx, col, value, date_format)
        elif isinstance(value, int):
            sheet.write_number(row_idx, col, value)
        else:
            sheet.write_string(row_idx, col, value)
    row_idx += 1
book.close()
conn.close()
print(row_idx - 4)
