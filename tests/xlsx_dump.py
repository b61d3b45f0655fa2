#!/usr/bin/python3
# xlsx_dump.py - prints what a real spreadsheet reader (openpyxl) sees in a workbook, for
# the export_db suite to compare with the ledger: one line per non-empty cell
# "sheet<TAB>A1<TAB>type<TAB>value" (type n number, s text, d date as YYYY-MM-DD, f formula:
# a cell a spreadsheet computes), then "#part", "#freeze" and "#filter" lines. Not a general
# converter.
import sys
import zipfile
import datetime
import openpyxl

path = sys.argv[1]
book = openpyxl.load_workbook(path)
out = sys.stdout
for sheet in book.worksheets:
    out.write("#sheet\t%s\n" % sheet.title)
    out.write("#freeze\t%s\t%s\n" % (sheet.title, sheet.freeze_panes))
    out.write("#filter\t%s\t%s\n" % (sheet.title, sheet.auto_filter.ref))
    for row in sheet.iter_rows():
        for cell in row:
            value = cell.value
            if value is None:
                continue
            if cell.data_type == "f":
                kind, text = "f", str(value)
            elif isinstance(value, datetime.datetime):
                kind, text = "d", value.date().isoformat()
            elif isinstance(value, (int, float)):
                kind = "n"
                text = str(int(value)) if float(value).is_integer() else "%.4f" % value
            else:
                kind, text = "s", str(value).replace("\t", " ").replace("\n", " ")
            out.write("%s\t%s\t%s\t%s\n" % (sheet.title, cell.coordinate, kind, text))
for name in zipfile.ZipFile(path).namelist():
    out.write("#part\t%s\n" % name)
