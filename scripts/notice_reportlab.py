#!/usr/bin/python3
# notice_reportlab.py - the `make bench` baseline for kigen's print files: the notices of
# one run date, read from the ledger, drawn with ReportLab the way a municipal IT team
# would script it: every page drawn in full (no reuse between pages), the IPAex Mincho TTF
# registered with ReportLab, the wording and positions read from kigen's own template (so
# the content is the same by construction), character-based wrapping, dates in 和暦.
# One multi-page PDF per print file of the ledger (the same notices in the same files).
# The customer barcode's bars come from `kigen barcode` (one call per file). Not part of
# kigen: no kinsoku, no IVS fallback font, no checks that a text fits.
#   notice_reportlab.py TEMPLATE RUN_DATE OUTDIR KIGEN   (libpq environment: PGHOST, ...)
# Prints "reportlab: F files, P pages in S s (R pages/s, C s CPU)" (S: database reads,
# barcodes, drawing and writing, not Python's start-up and imports; C: the CPU time of this
# process and of its `kigen barcode` children in that span).
import csv
import datetime
import io
import os
import subprocess
import sys
import time

import psycopg2
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

MM = 72.0 / 25.4
ASCENT = 0.88  # baseline below a line's top, in em (as kigen)
FONT = "IPAexMincho"

# The same columns as kigen's print query (batch/run/print.c), one file at a time.
FILES_SQL = ("SELECT DISTINCT file FROM kigen.notices WHERE run_date = %s::date "
             "AND file IS NOT NULL ORDER BY file")
ROWS_SQL = """
SELECT n.notice_no, coalesce(n.family_name, r.family_name, ''),
  coalesce(n.given_name, r.given_name, ''), coalesce(n.postal_code, r.postal_code, ''),
  coalesce(n.address, r.address, ''), coalesce(n.banchi, r.banchi, ''),
  coalesce(n.address2, r.address2, ''), n.to_representative, coalesce(o.name, ''),
  coalesce(o.postal_code, ''), coalesce(o.address, ''), coalesce(o.phone, ''),
  coalesce(o.hours, ''),
  (SELECT string_agg(c.type || ',' || nc.expiry || ',' || nc.window_open || ',' || nc.cause,
     ';' ORDER BY nc.expiry, nc.certificate_id)
   FROM kigen.notice_certificates nc JOIN kigen.certificates c
     ON c.certificate_id = nc.certificate_id WHERE nc.notice_no = n.notice_no)
FROM kigen.notices n LEFT JOIN kigen.residents r ON r.resident_id = n.resident_id
LEFT JOIN kigen.offices o ON o.office_code = n.office_code
WHERE n.run_date = %s::date AND n.file = %s ORDER BY n.page"""

TYPES = {"sign": "署名用電子証明書", "auth": "利用者証明用電子証明書"}
CAUSES = {"birthday": "発行後5回目の誕生日", "card": "マイナンバーカードの有効期限",
          "auth_cert": "利用者証明用電子証明書の期限", "stay_period": "在留期間の満了日",
          "recorded": "記録された有効期限", "term": "有効期間の満了"}


def wareki(day):
    """2027-02-15 -> 令和9年2月15日 (元年 for the first year)."""
    for start, era in ((datetime.date(2019, 5, 1), "令和"), (datetime.date(1989, 1, 8), "平成")):
        if day >= start:
            year = day.year - start.year + 1
            return "%s%s年%d月%d日" % (era, "元" if year == 1 else str(year), day.month, day.day)
    return day.isoformat()


def read_template(path):
    """The template's sections as dicts; [text] paragraphs and [table] columns as lists."""
    sections = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                sections.append({"kind": line[1:-1], "text": [], "column": [], "font": []})
                continue
            key, value = (part.strip() for part in line.split("=", 1))
            if key in ("text", "column", "font"):
                sections[-1][key].append(value)
            else:
                sections[-1][key] = value
    return sections


def num(section, key, default=0.0):
    return float(section.get(key, default))


def width_of(text, size):
    return pdfmetrics.stringWidth(text, FONT, size)


def wrap(text, size, width):
    """Greedy character wrapping: each paragraph broken where the next character would
    pass the width."""
    lines = []
    for paragraph in text.split("\n"):
        line, line_width = "", 0.0
        for char in paragraph:
            char_width = width_of(char, size)
            if line and line_width + char_width > width:
                lines.append(line)
                line, line_width = "", 0.0
            line += char
            line_width += char_width
        lines.append(line)
    return lines


class Notice:
    def __init__(self, row, run_date):
        (self.notice_no, self.family_name, self.given_name, self.postal_code, self.address,
         self.banchi, self.address2, self.to_representative, self.office_name,
         self.office_postal_code, self.office_address, self.office_phone, self.office_hours,
         certs) = row
        self.run_date = run_date
        self.certs = []
        for item in certs.split(";"):
            cert_type, expiry, window_open, cause = item.split(",")
            self.certs.append((cert_type, datetime.date.fromisoformat(expiry),
                               datetime.date.fromisoformat(window_open), cause))
        self.name = self.family_name + ("　" + self.given_name if self.given_name else "")
        self.full_address = self.address + self.banchi + (
            "　" + self.address2 if self.address2 else "")
        self.bars = None

    # the [page] wordings of {window} (D82): (window_opens, window_is_open)
    window_wordings = ("{window_open}", "")

    def fields(self, cert=None):
        def postal(code):
            return code[:3] + "-" + code[3:] if len(code) == 7 else ""
        values = {
            "notice_no": self.notice_no, "date": wareki(self.run_date), "name": self.name,
            "postal_code": postal(self.postal_code), "address": self.full_address,
            "expiry": wareki(min(c[1] for c in self.certs)),
            "window_open": wareki(min(c[2] for c in self.certs)),
            "office_name": self.office_name,
            "office_postal_code": postal(self.office_postal_code),
            "office_address": self.office_address, "office_phone": self.office_phone,
            "office_hours": self.office_hours}
        if cert is not None:
            values.update(type=TYPES.get(cert[0], ""), expiry=wareki(cert[1]),
                          window_open=wareki(cert[2]), cause=CAUSES.get(cert[3], ""))
        opens = cert[2] if cert is not None else min(c[2] for c in self.certs)
        opens_text, open_text = self.window_wordings
        values["window"] = expand(open_text if opens <= self.run_date else opens_text, values)
        return values

    def holds(self, when):
        card = any(c[3] == "card" for c in self.certs)
        return {"always": True, "card": card, "not_card": not card,
                "representative": self.to_representative,
                "holder": not self.to_representative}[when]


def expand(text, values):
    out, pos = [], 0
    while True:
        open_at = text.find("{", pos)
        if open_at < 0:
            out.append(text[pos:])
            return "".join(out)
        close_at = text.find("}", open_at)
        out.append(text[pos:open_at])
        out.append(values[text[open_at + 1:close_at]])
        pos = close_at + 1


class Page:
    """Draws on a ReportLab canvas with the template's coordinates: mm from the top-left."""

    def __init__(self, pdf, height_mm):
        self.pdf = pdf
        self.height = height_mm * MM

    def text(self, text, size, x, top):
        self.pdf.setFont(FONT, size)
        self.pdf.drawString(x, self.height - top - size * ASCENT, text)

    def rect(self, x, top, width, height, fill=False, stroke=True):
        self.pdf.rect(x, self.height - top - height, width, height, fill=int(fill),
                      stroke=int(stroke))


def draw_text(page, section, values):
    text = expand("\n".join(section["text"]), values)
    size, min_size = num(section, "size"), num(section, "min_size", num(section, "size"))
    width, height = num(section, "width") * MM, num(section, "height") * MM
    line_height = num(section, "line_height", 1.5)
    lines = wrap(text, size, width)
    while height > 0 and size - 0.5 >= min_size and \
            size * line_height * (len(lines) - 1) + size > height:
        size -= 0.5
        lines = wrap(text, size, width)
    x, top = num(section, "x") * MM, num(section, "y") * MM
    align = section.get("align", "left")
    for idx, line in enumerate(lines):
        offset = 0.0
        if align != "left":
            free = width - width_of(line, size)
            offset = free / 2 if align == "center" else free
        page.text(line, size, x + offset, top + size * line_height * idx)


def draw_table(page, section, notice):
    pdf = page.pdf
    x0, top = num(section, "x") * MM, num(section, "y") * MM
    row_height, size = num(section, "row_height") * MM, num(section, "size")
    gray, stroke = num(section, "header_gray", -1), num(section, "line", 0.5)
    pad = 2.0 * MM
    columns = [[part.strip() for part in column.split("|")] for column in section["column"]]
    rows = [None] + notice.certs
    for cert in rows:
        x = x0
        for header, width_mm, text in columns:
            width = float(width_mm) * MM
            if cert is None and gray >= 0:
                pdf.setFillGray(gray)
                page.rect(x, top, width, row_height, fill=True, stroke=False)
                pdf.setFillGray(0)
            pdf.setLineWidth(stroke)
            page.rect(x, top, width, row_height)
            cell = header if cert is None else expand(text, notice.fields(cert))
            cell_size = size
            while cell_size > 6 and width_of(cell, cell_size) > width - 2 * pad:
                cell_size -= 0.1
            page.text(cell, cell_size, x + pad, top + (row_height - cell_size) / 2)
            x += width
        top += row_height


def draw_address(page, window, address, notice):
    pdf = page.pdf
    tolerance = num(window, "tolerance")
    x, top = (num(window, "x") + tolerance) * MM, (num(window, "y") + tolerance) * MM
    width = (num(window, "width") - 2 * tolerance) * MM
    size, lines = num(address, "size", 10), int(num(address, "lines", 3))
    page.text("〒" + notice.fields()["postal_code"], size, x, top)
    mark = address.get("mark", "")
    if mark:
        mark_size = num(address, "mark_size", 9)
        mark_width, pad = width_of(mark, mark_size), mark_size * 0.2
        mark_x = x + width - mark_width - pad
        page.text(mark, mark_size, mark_x, top)
        pdf.setLineWidth(0.5)
        page.rect(mark_x - pad, top - pad, mark_width + 2 * pad, mark_size + 2 * pad)
    for idx, line in enumerate(wrap(notice.full_address, size, width)[:lines]):
        page.text(line, size, x, top + size * 1.35 * (1 + idx))
    name_top = top + size * 1.35 * (1 + lines) + 1.0 * MM
    pattern = address["representative" if notice.to_representative else "holder"]
    name_line = expand(pattern, notice.fields())
    name_size = num(address, "name_size", 14)
    fitted = name_size
    while fitted > num(address, "name_min_size", 9) and width_of(name_line, fitted) > width:
        fitted -= 0.1
    page.text(name_line, fitted, x, name_top + (name_size - fitted) * ASCENT)
    if address.get("barcode", "yes") == "yes" and notice.bars:
        bars_top = name_top + name_size * 1.3 + 2.0 * MM
        scale = min(1.0, (width - 2 * 2.0 * MM) / (67 * 1.2 * MM))
        pitch, bar_width, zone = 1.2 * MM * scale, 0.6 * MM * scale, 1.2 * MM * scale
        bar_x = x + 2.0 * MM
        for idx, bar in enumerate(notice.bars):
            offset, height = {"F": (0, 3), "A": (0, 2), "D": (1, 2), "T": (1, 1)}[bar]
            page.rect(bar_x + idx * pitch, bars_top + offset * zone, bar_width, height * zone,
                      fill=True, stroke=False)


def barcodes(kigen, notices):
    """The bars of each notice from `kigen barcode` (None when it has none)."""
    given = io.StringIO()
    writer = csv.writer(given, lineterminator="\n")
    writer.writerow(["postal_code", "address"])
    for notice in notices:
        writer.writerow([notice.postal_code, notice.banchi +
                         (" " + notice.address2 if notice.address2 else "")])
    result = subprocess.run([kigen, "barcode"], input=given.getvalue(), capture_output=True,
                            text=True, check=False)
    answers = list(csv.reader(io.StringIO(result.stdout)))[1:]
    for notice, answer in zip(notices, answers):
        notice.bars = answer[2] if len(answer) == 3 else None


def main():
    template_path, run_date, out_dir, kigen = sys.argv[1:5]
    started = time.monotonic()
    cpu_started = os.times()
    sections = read_template(template_path)
    page_section = next(s for s in sections if s["kind"] == "page")
    window = next(s for s in sections if s["kind"] == "window")
    address = next(s for s in sections if s["kind"] == "address")
    pdfmetrics.registerFont(TTFont(FONT, page_section["font"][0]))
    Notice.window_wordings = (page_section.get("window_opens", "{window_open}"),
                              page_section.get("window_is_open", ""))
    page_size = (num(page_section, "width") * MM, num(page_section, "height") * MM)
    day = datetime.date.fromisoformat(run_date)
    conn = psycopg2.connect("")
    cur = conn.cursor()
    cur.execute(FILES_SQL, (run_date,))
    files = [row[0] for row in cur.fetchall()]
    pages = 0
    for name in files:
        cur.execute(ROWS_SQL, (run_date, name))
        notices = [Notice(row, day) for row in cur.fetchall()]
        barcodes(kigen, notices)
        pdf = canvas.Canvas(os.path.join(out_dir, name), pagesize=page_size)
        pdf.setTitle(name)
        for notice in notices:
            page = Page(pdf, num(page_section, "height"))
            values = notice.fields()
            for section in sections:
                kind = section["kind"]
                if kind == "text" and notice.holds(section.get("when", "always")):
                    draw_text(page, section, values)
                elif kind == "line":
                    pdf.setLineWidth(num(section, "line", 0.5))
                    pdf.line(num(section, "x") * MM, page.height - num(section, "y") * MM,
                             num(section, "x2") * MM, page.height - num(section, "y2") * MM)
                elif kind == "box":
                    gray = num(section, "gray", -1)
                    if gray >= 0:
                        pdf.setFillGray(gray)
                    pdf.setLineWidth(num(section, "line", 0.5))
                    page.rect(num(section, "x") * MM, num(section, "y") * MM,
                              num(section, "width") * MM, num(section, "height") * MM,
                              fill=gray >= 0, stroke=num(section, "line", 0.5) > 0)
                    pdf.setFillGray(0)
                elif kind == "table":
                    draw_table(page, section, notice)
            draw_address(page, window, address, notice)
            pdf.showPage()
            pages += 1
        pdf.save()
    conn.close()
    seconds = time.monotonic() - started
    cpu = sum(os.times()[:4]) - sum(cpu_started[:4])
    print("reportlab: %d files, %d pages in %.2f s (%.0f pages/s, %.2f s CPU)"
          % (len(files), pages, seconds, pages / seconds if seconds > 0 else 0, cpu))


if __name__ == "__main__":
    main()
