#!/usr/bin/python3
"""bench_edit.py SRC DST [FRACTION] [SEED] - the next night's extract for `make bench`.

Copies the extract in SRC to DST with FRACTION (default 0.005) of its residents changed, as
a register's nightly full hand-over changes: moves (new address, a moves row), new cards
with their certificates, renewed certificates (the old one revoked), a name change (a
changes row), removals, new proxy requests, and a few rows deleted. Deterministic.
"""
import csv
import os
import random
import sys

src, dst = sys.argv[1], sys.argv[2]
fraction = float(sys.argv[3]) if len(sys.argv) > 3 else 0.005
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 7
rng = random.Random(seed)
DAY = "2026-11-30"
NEW_ID = seed * 10 ** 15  # the new ids of one seed never meet another seed's
KINDS = ("move", "card", "renew", "name", "removal", "proxy", "delete")

os.makedirs(dst, exist_ok=True)


def table(name):
    with open(os.path.join(src, name), newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        header = next(rows)
        yield header
        yield from rows


def write(name, rows):
    with open(os.path.join(dst, name), "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerows(rows)


with open(os.path.join(src, "residents.csv"), encoding="utf-8") as f:
    count = sum(1 for _ in f) - 1
chosen = {}
for resident_id in rng.sample(range(1, count + 1), max(7, int(count * fraction))):
    chosen[resident_id] = KINDS[len(chosen) % len(KINDS)]
serial = 0

write("offices.csv", table("offices.csv"))


def residents():
    rows = table("residents.csv")
    header = next(rows)
    yield header
    col = {name: idx for idx, name in enumerate(header)}
    for row in rows:
        kind = chosen.get(int(row[0]))
        if kind == "move":
            row[col["postal_code"]] = "%07d" % rng.randrange(2200000, 2299999)
            row[col["banchi"]] = "%d-%d" % (rng.randrange(1, 40), rng.randrange(1, 30))
            row[col["address2"]] = ""
        elif kind == "name":
            row[col["family_name"]] = row[col["family_name"]] + "川"
        elif kind == "removal":
            row[col["status"]] = "removed"
            row[col["removed_on"]] = DAY
        yield row


write("residents.csv", residents())


def cards():
    rows = table("cards.csv")
    yield next(rows)
    yield from rows
    for resident_id, kind in sorted(chosen.items()):
        if kind == "card":
            yield [str(NEW_ID + resident_id), str(resident_id), DAY, "2036-11-30", ""]


write("cards.csv", cards())


def certificates():
    rows = table("certificates.csv")
    header = next(rows)
    yield header
    col = {name: idx for idx, name in enumerate(header)}
    renewed = set()
    for row in rows:
        resident_id = int(row[col["resident_id"]])
        if (chosen.get(resident_id) == "renew" and resident_id not in renewed and
                row[col["revoked_on"]] == "" and row[col["card_id"]] != ""):
            renewed.add(resident_id)
            row[col["revoked_on"]] = DAY
            yield row
            new = list(row)
            new[col["certificate_id"]] = str(NEW_ID + resident_id)
            new[col["issued_on"]] = DAY
            new[col["revoked_on"]] = ""
            yield new
            continue
        yield row
    for resident_id, kind in sorted(chosen.items()):
        if kind == "card":
            for offset, cert_type in ((1, "auth"), (2, "sign")):
                new = [""] * len(header)
                new[col["certificate_id"]] = str(2 * NEW_ID + 2 * resident_id + offset)
                new[col["resident_id"]] = str(resident_id)
                new[col["card_id"]] = str(NEW_ID + resident_id)
                new[col["type"]] = cert_type
                new[col["issued_on"]] = DAY
                yield new


write("certificates.csv", certificates())


def moves():
    rows = table("moves.csv")
    yield next(rows)
    for row in rows:
        if chosen.get(int(row[0])) == "delete":
            continue  # the register no longer lists it
        yield row
    for resident_id, kind in sorted(chosen.items()):
        if kind == "move":
            yield [str(resident_id), DAY, "within"]


write("moves.csv", moves())


def changes():
    rows = table("changes.csv")
    yield next(rows)
    yield from rows
    for resident_id, kind in sorted(chosen.items()):
        if kind == "name":
            yield [str(resident_id), DAY, "name"]


write("changes.csv", changes())


def proxy_requests():
    rows = table("proxy_requests.csv")
    header = next(rows)
    yield header
    for row in rows:
        if chosen.get(int(row[1])) == "delete":
            continue
        yield row
    for resident_id, kind in sorted(chosen.items()):
        if kind == "proxy":
            yield [str(NEW_ID + resident_id), str(resident_id), "renew", DAY, "代理　太郎"]


write("proxy_requests.csv", proxy_requests())
print(len(chosen))
