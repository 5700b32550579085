"""Generate the sample raw data that the emulator copies into the contoso-synapse primary lake.

Run it with a Python that has pyarrow (the files it writes are committed, so this is only needed
to change them):

    python emulator/lake-seed/generate.py

It writes, under contosodatalake/synapse/sample/raw/ (Spark sees them as /sample/raw/...):

- customers.csv: 200 customers plus a few messy rows for the notebook to clean: 4 duplicated
  customer ids, one row without a customer id, blank cities, segments with stray whitespace and
  mixed case, a missing signup date.
- orders/part-0000N.parquet: 2,000 orders in 4 plain parquet part files (written with pyarrow,
  no Spark _SUCCESS or .crc files), including null and negative amounts, cancelled orders and a
  few orders of customer ids that are not in customers.csv.

The output is deterministic: a fixed seed and no wall-clock values.
"""
import csv
import datetime as dt
import os
import random
import shutil

import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.path.join(HERE, "contosodatalake", "synapse", "sample", "raw")

N_CUSTOMERS = 200
N_ORDERS = 2000
N_ORDER_FILES = 4

FIRST = ["Ava", "Ben", "Chloe", "Diego", "Emma", "Farah", "Gus", "Hana", "Ivan", "Jade", "Kai", "Lena",
         "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Victor", "Wen", "Yusuf", "Zoe"]
LAST = ["Adams", "Brown", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jensen", "Khan",
        "Lopez", "Martin", "Nguyen", "Okafor", "Patel", "Rossi", "Silva", "Tanaka", "Weber"]
CITIES = ["Seattle", "Redmond", "Bellevue", "Kirkland", "Tacoma", "Everett", "Spokane", "Portland"]
SEGMENTS = ["Consumer", "Corporate", "SMB", "Public Sector"]
SEGMENT_WEIGHTS = [0.45, 0.25, 0.2, 0.1]
# How a segment may be spelled in the raw file besides its clean form.
SEGMENT_MESS = {
    "Consumer": ["CONSUMER", " consumer", "Consumer "],
    "Corporate": ["corporate", " Corporate", "CORPORATE "],
    "SMB": ["smb", " SMB"],
    "Public Sector": ["public sector", "PUBLIC SECTOR "],
}
# Mean order amount per segment, so the segments differ in the chart.
SEGMENT_SPEND = {"Consumer": 60.0, "Corporate": 240.0, "SMB": 140.0, "Public Sector": 320.0}
STATUSES = ["completed", "shipped", "returned", "cancelled"]
STATUS_WEIGHTS = [0.7, 0.15, 0.08, 0.07]


def customers(rng):
    """The clean customers, then the raw rows with the mess added."""
    clean = []
    start = dt.date(2021, 1, 1)
    for i in range(1, N_CUSTOMERS + 1):
        clean.append({
            "customer_id": f"C{i:04d}",
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "city": rng.choice(CITIES),
            "segment": rng.choices(SEGMENTS, SEGMENT_WEIGHTS)[0],
            "signup_date": (start + dt.timedelta(days=rng.randrange(0, 3 * 365))).isoformat(),
        })

    raw = [dict(c) for c in clean]
    # Segments with stray whitespace and mixed case (lower(trim()) gives one spelling per segment).
    for row in rng.sample(raw, 30):
        row["segment"] = rng.choice(SEGMENT_MESS[row["segment"]])
    # Blank cities: empty (read as null) and whitespace only.
    for n, row in enumerate(rng.sample(raw, 8)):
        row["city"] = "" if n % 2 == 0 else "   "
    # A missing signup date.
    rng.choice(raw)["signup_date"] = ""
    # Duplicated ids: the same customer exported twice, its segment spelled differently.
    for row in rng.sample(raw[:], 4):
        dup = dict(row)
        dup["segment"] = dup["segment"].strip().upper() + " "
        raw.insert(raw.index(row) + 1 + rng.randrange(0, 20), dup)
    # A row without a customer id.
    raw.insert(117, {"customer_id": "", "name": "Unknown Walk-in", "city": "Seattle", "segment": "Consumer",
                     "signup_date": "2023-06-01"})
    return clean, raw


def orders(rng, clean):
    """2,000 orders over 2024, a few of them invalid or of unknown customers."""
    segment_of = {c["customer_id"]: c["segment"] for c in clean}
    ids = sorted(segment_of)
    # A few customers never order (they stay in customer_spend with zero spend).
    no_orders = set(rng.sample(ids, 5))
    buyers = [c for c in ids if c not in no_orders]
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    rows = []
    for i in range(1, N_ORDERS + 1):
        customer_id = rng.choice(buyers)
        mean = SEGMENT_SPEND[segment_of[customer_id]]
        rows.append({
            "order_id": f"O{i:05d}",
            "customer_id": customer_id,
            "order_ts": start + dt.timedelta(seconds=rng.randrange(0, 366 * 24 * 3600)),
            "amount": round(max(1.0, rng.gauss(mean, mean / 3)), 2),
            "status": rng.choices(STATUSES, STATUS_WEIGHTS)[0],
        })
    rows.sort(key=lambda r: r["order_ts"])
    for row in rng.sample(rows, 12):
        row["amount"] = None
    for row in rng.sample([r for r in rows if r["amount"] is not None], 9):
        row["amount"] = -row["amount"]
    for row in rng.sample(rows, 6):
        row["customer_id"] = f"C{rng.randrange(900, 1000):04d}"
    return rows


def write_customers(raw):
    path = os.path.join(RAW, "customers.csv")
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, ["customer_id", "name", "city", "segment", "signup_date"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(raw)
    return path


def write_orders(rows):
    folder = os.path.join(RAW, "orders")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    schema = pa.schema([
        ("order_id", pa.string()),
        ("customer_id", pa.string()),
        ("order_ts", pa.timestamp("us", tz="UTC")),
        ("amount", pa.float64()),
        ("status", pa.string()),
    ])
    size = len(rows) // N_ORDER_FILES
    for part in range(N_ORDER_FILES):
        chunk = rows[part * size:(part + 1) * size if part < N_ORDER_FILES - 1 else len(rows)]
        table = pa.Table.from_pylist(chunk, schema=schema)
        pq.write_table(table, os.path.join(folder, f"part-{part:05d}.parquet"), compression="snappy")
    return folder


def main():
    rng = random.Random(20240611)
    os.makedirs(RAW, exist_ok=True)
    clean, raw = customers(rng)
    order_rows = orders(rng, clean)
    print(f"wrote {len(raw)} rows to {os.path.relpath(write_customers(raw), HERE)}")
    print(f"wrote {len(order_rows)} orders to {os.path.relpath(write_orders(order_rows), HERE)}/")


if __name__ == "__main__":
    main()
