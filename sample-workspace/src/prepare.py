"""Prepare: generate rows with Spark, clean them and write them as one CSV file (with a header)
into the output folder, for the train step of pipelines/prepare-train.pipeline.yml."""
import argparse

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=int, default=100)
parser.add_argument("--prepared_data", required=True)
args = parser.parse_args()

spark = SparkSession.builder.appName("prepare").getOrCreate()

# One partition and fixed seeds: the same rows on every run.
df = (
    spark.range(args.rows, numPartitions=1)
    .select(
        F.round(F.rand(seed=7) * 5, 4).alias("feature_a"),
        F.round(F.rand(seed=8) * 3, 4).alias("feature_b"),
    )
    .withColumn("label", (F.col("feature_a") + F.col("feature_b") > 4).cast("int"))
    .dropna()
)

df.coalesce(1).write.mode("overwrite").option("header", True).csv(args.prepared_data)
count = spark.read.option("header", True).csv(args.prepared_data).count()
print(f"prepare: wrote {count} rows with Spark to {args.prepared_data}")
