"""Prepare: generate (or read) rows, clean them and write them as CSV into the output folder.

On a Synapse Spark pool this runs with PySpark; where pyspark is not importable (the local emulator
without Spark) it falls back to plain Python so the pipeline still runs end to end.
"""
import argparse
import csv
import os
import random

parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=int, default=100)
parser.add_argument("--prepared_data", required=True)
args = parser.parse_args()

random.seed(7)
rows = [(random.uniform(0, 5), random.uniform(0, 3)) for _ in range(args.rows)]
rows = [(a, b, int(a + b > 4)) for a, b in rows]

try:
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.getOrCreate()
    df = spark.createDataFrame(rows, ["feature_a", "feature_b", "label"]).dropna()
    df.coalesce(1).write.mode("overwrite").option("header", True).csv(args.prepared_data)
    print(f"prepare: wrote {df.count()} rows with Spark to {args.prepared_data}")
except ImportError:
    os.makedirs(args.prepared_data, exist_ok=True)
    with open(os.path.join(args.prepared_data, "part-00000.csv"), "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["feature_a", "feature_b", "label"])
        writer.writerows(rows)
    print(f"prepare: wrote {len(rows)} rows to {args.prepared_data}")
