"""Prepare: read the raw CSV, drop incomplete rows and write the result as CSV into the output folder.

On Spark (serverless Spark or an attached Synapse Spark pool) this runs with PySpark. Where pyspark is not
importable (the local emulator) it falls back to plain Python that reads and writes the same files.
"""
import argparse
import csv
import glob
import os

parser = argparse.ArgumentParser()
parser.add_argument("--raw_data", required=True)
parser.add_argument("--prepared_data", required=True)
args = parser.parse_args()

try:
    from pyspark.sql import SparkSession
except ImportError:
    SparkSession = None

@@readRows@@


if SparkSession is not None:
    spark = SparkSession.builder.getOrCreate()
    df = spark.read.option("header", True).option("inferSchema", True).csv(args.raw_data).dropna()
    df.coalesce(1).write.mode("overwrite").option("header", True).csv(args.prepared_data)
    print(f"prepare: wrote {df.count()} rows with Spark to {args.prepared_data}")
else:
    rows = read_rows(args.raw_data)
    fieldnames = list(rows[0].keys()) if rows else ["feature_a", "feature_b", "label"]
    rows = [r for r in rows if all(v not in (None, "") for v in r.values())]
    write_rows(args.prepared_data, fieldnames, rows)
    print(f"prepare: wrote {len(rows)} rows to {args.prepared_data}")
