"""Score: apply the trained model (model.json) to the prepared data and write the predictions as CSV.

On Spark this runs with PySpark; where pyspark is not importable (the local emulator) it falls back to
plain Python that reads and writes the same files.
"""
import argparse
import csv
import glob
import json
import os

parser = argparse.ArgumentParser()
parser.add_argument("--model_input", required=True)
parser.add_argument("--data", required=True)
parser.add_argument("--scored_data", required=True)
args = parser.parse_args()

try:
    from pyspark.sql import SparkSession
except ImportError:
    SparkSession = None


@@readRows@@


def read_model_plain(folder):
    """model.json is a file (written by Python) or a folder of part files (written by Spark)."""
    path = os.path.join(folder, "model.json")
    if os.path.isdir(path):
        path = sorted(p for p in glob.glob(os.path.join(path, "part-*")) if not p.endswith(".crc"))[0]
    with open(path) as f:
        return json.loads(f.readline())


if SparkSession is not None:
    from pyspark.sql import functions as F

    spark = SparkSession.builder.getOrCreate()
    model = json.loads(spark.read.text(args.model_input.rstrip("/") + "/model.json").first()[0])
    df = spark.read.option("header", True).option("inferSchema", True).csv(args.data)
    z = F.lit(model["bias"])
    for name, w in zip(model["features"], model["weights"]):
        z = z + F.col(name).cast("double") * w
    scored = df.withColumn("prediction", (z > 0).cast("int"))
    scored.coalesce(1).write.mode("overwrite").option("header", True).csv(args.scored_data)
    print(f"score: scored {scored.count()} rows with Spark into {args.scored_data}")
else:
    model = read_model_plain(args.model_input)
    rows = read_rows(args.data)
    for r in rows:
        z = model["bias"] + sum(w * float(r[name]) for name, w in zip(model["features"], model["weights"]))
        r["prediction"] = int(z > 0)
    fieldnames = list(rows[0].keys()) if rows else model["features"] + ["prediction"]
    write_rows(args.scored_data, fieldnames, rows)
    print(f"score: scored {len(rows)} rows into {args.scored_data}")
