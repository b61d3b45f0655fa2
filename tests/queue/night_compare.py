#!/usr/bin/python3
# night_compare.py - are two folders of the same night, written from two databases, the
# same files? For tests/scripts/test_queue.sh: the nights a queue of workers ran against the
# nights run alone. Every file is compared byte for byte, except that the control numbers
# (照会番号) are drawn at random for each form (D63), so two databases never draw the same:
# the forms of both folders are paired by what they are for (kind, notice number, proxy
# request, from forms.csv), each number of the second folder is replaced by its pair's, and
# then the CSV files must hold the same rows, the PDF files the same text page for page
# (pdftotext; the barcodes and QR Codes encode the numbers), audit.xlsx the same cells
# (openpyxl; the time the night was recorded aside), and manifest.json be equal but for the
# bytes and sha256 of those files. Rows that tie on everything but their control number may
# come in another order (their order is the numbers').
# With --other-run-ids, the two databases numbered their runs differently (one sequence for
# every municipality of a database, D122; tests/scripts/test_queue_many.sh compares a night
# of a database of twenty municipalities with the same night alone, D171): the run's number
# in manifest.json's run_id and in audit.xlsx's titles ("written run N") is set aside too.
# Prints each difference; exit status 1 when there is one.
#   night_compare.py [--other-run-ids] REF_DIR OUT_DIR
import csv
import json
import os
import re
import subprocess
import sys

import openpyxl


def read_forms(folder):
    path = os.path.join(folder, "forms.csv")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return {(row["kind"], row["notice_no"], row["request_id"], row["reissue_of"] != ""):
                row["control_no"] for row in csv.DictReader(stream)}


def pairing(ref, out):
    ref_forms, out_forms = read_forms(ref), read_forms(out)
    if set(ref_forms) != set(out_forms):
        return None
    pairs = {}
    for key, number in out_forms.items():
        pairs[number] = ref_forms[key]                              # XXXX-XXXX-XXXX
        pairs[number.replace("-", "")] = ref_forms[key].replace("-", "")  # as in inserts.csv
    return pairs


def mapped(text, pairs):
    for number in sorted(pairs, key=len, reverse=True):
        text = text.replace(number, pairs[number])
    return text


def pdf_text(path):
    """The text of every page, its runs of spaces as one (a number's glyphs have their own
    widths, which move the text after them)."""
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True,
                          check=True).stdout
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())


def xlsx_rows(path, other_run_ids):
    """Every row of every sheet as a line of its cells, the time the run was recorded (in
    the titles) left out: the two databases recorded the night at different times; and
    the run's number, when the databases numbered their runs differently."""
    book = openpyxl.load_workbook(path)
    rows = ("%s\t%s" % (sheet.title, "\t".join("%s=%r" % (cell.column_letter, cell.value)
                                               for cell in row if cell.value is not None))
            for sheet in book.worksheets for row in sheet.iter_rows())
    text = re.sub(r"recorded \d{4}-\d\d-\d\d \d\d:\d\d:\d\d JST", "recorded (time)",
                  "\n".join(rows))
    return re.sub(r"written run \d+ ", "written run (number) ", text) if other_run_ids else text


def same_rows(ref_text, out_text):
    """Equal, or equal but for the order of rows: rows that tie on everything else come in
    the order of their (random) control numbers."""
    return ref_text == out_text or sorted(ref_text.splitlines()) == sorted(
        out_text.splitlines())


def main():
    arguments = sys.argv[1:]
    other_run_ids = arguments[:1] == ["--other-run-ids"]
    ref, out = arguments[1:3] if other_run_ids else arguments[0:2]
    problems = []
    pairs = pairing(ref, out)
    if pairs is None:
        print("forms.csv: not the same forms")
        return 1
    names = sorted(set(os.listdir(ref)) | set(os.listdir(out)))
    renumbered = set()
    for name in names:
        ref_path, out_path = os.path.join(ref, name), os.path.join(out, name)
        if not os.path.exists(ref_path) or not os.path.exists(out_path):
            problems.append("%s: in one folder only" % name)
            continue
        with open(ref_path, "rb") as a, open(out_path, "rb") as b:
            if a.read() == b.read():
                continue
        renumbered.add(name)
        if name.endswith(".csv"):
            with open(ref_path, encoding="utf-8") as a, open(out_path, encoding="utf-8") as b:
                same = same_rows(a.read(), mapped(b.read(), pairs))
        elif name.endswith(".pdf"):
            same = pdf_text(ref_path) == mapped(pdf_text(out_path), pairs)
        elif name.endswith(".xlsx"):
            same = same_rows(xlsx_rows(ref_path, other_run_ids),
                             mapped(xlsx_rows(out_path, other_run_ids), pairs))
        elif name == "manifest.json":
            continue
        else:
            same = False
        if not same:
            problems.append("%s: differs%s" % (name, " (control numbers paired)" if pairs else ""))
    if "manifest.json" in renumbered:
        def without_sums(path):
            with open(path, encoding="utf-8") as stream:
                manifest = json.load(stream)
            if other_run_ids:
                manifest.pop("run_id", None)
            for entry in manifest.get("files", []):
                if entry.get("name") in renumbered:
                    entry.pop("bytes", None)
                    entry.pop("sha256", None)
            return manifest
        if without_sums(os.path.join(ref, "manifest.json")) != without_sums(
                os.path.join(out, "manifest.json")):
            problems.append("manifest.json: differs beyond the renumbered files' sums%s"
                            % (" and the run's number" if other_run_ids else ""))
    for problem in problems:
        print(problem)
    print("%d files: %d equal byte for byte, %d equal once the control numbers of %d forms are "
          "paired, %d different" % (len(names), len(names) - len(renumbered),
                                   len(renumbered) - len(problems), len(pairs) // 2,
                                   len(problems)))
    return 1 if problems else 0


sys.exit(main())
