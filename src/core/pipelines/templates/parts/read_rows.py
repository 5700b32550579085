def csv_files(path):
    """A CSV file, or the CSV part files in a folder (as Spark writes them)."""
    if os.path.isdir(path):
        return sorted(glob.glob(os.path.join(path, "*.csv")))
    return [path]


def read_rows(path):
    rows = []
    for name in csv_files(path):
        with open(name, newline="") as f:
            rows.extend(csv.DictReader(f))
    return rows


def write_rows(folder, fieldnames, rows):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "part-00000.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
