"""Train: fit a threshold model on the prepared CSV files and save it as JSON (no third-party packages)."""
import argparse
import csv
import glob
import json
import os

parser = argparse.ArgumentParser()
parser.add_argument("--training_data", required=True)
parser.add_argument("--model_output", required=True)
args = parser.parse_args()

rows = []
for path in sorted(glob.glob(os.path.join(args.training_data, "*.csv"))):
    with open(path, newline="") as f:
        rows.extend((float(r["feature_a"]) + float(r["feature_b"]), int(r["label"])) for r in csv.DictReader(f))

best = max((sum((s > t) == bool(y) for s, y in rows) / max(len(rows), 1), t) for t in [x / 10 for x in range(0, 80)])
os.makedirs(args.model_output, exist_ok=True)
with open(os.path.join(args.model_output, "model.json"), "w") as f:
    json.dump({"threshold": best[1], "accuracy": best[0], "rows": len(rows)}, f)
print(f"train: {len(rows)} rows, threshold {best[1]:.1f}, accuracy {best[0]:.3f}")
