#!/usr/bin/python3
# pdf_pages.py - what a printed workbook looks like on paper, for the export_db suite: the
# PDF LibreOffice printed from audit.xlsx, read with poppler's pdfinfo and pdftotext.
# Prints "pages N", "a4_landscape K" (pages that are A4 landscape), "sheet_pages S" (pages
# whose footer starts with SHEET, the name the footer prints with &A) and "header_pages H"
# (of those, the pages that show HEADER, the repeated header row's first cell).
import re
import subprocess
import sys

path, sheet, header = sys.argv[1], sys.argv[2], sys.argv[3]
info = subprocess.run(["pdfinfo", "-f", "1", "-l", "100000", path], capture_output=True,
                      text=True, check=True).stdout
pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
landscape = 0
for width, height in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info, re.M):
    # A4 is 595.3 x 841.9 points
    if abs(float(width) - 841.9) < 2 and abs(float(height) - 595.3) < 2:
        landscape += 1
sheet_pages = header_pages = 0
for page in range(1, pages + 1):
    text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), path, "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and re.match(re.escape(sheet) + r"\s+\d+ / \d+", lines[-1]):
        sheet_pages += 1
        header_pages += any(line.startswith(header) for line in lines)
print("pages %d\na4_landscape %d\nsheet_pages %d\nheader_pages %d" %
      (pages, landscape, sheet_pages, header_pages))
