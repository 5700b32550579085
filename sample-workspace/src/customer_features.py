"""Customer features: read the customer spend written by notebooks/prepare-data.ipynb and write one
row of model features per customer as parquet.

Runs as the Spark step of pipelines/customer-features.pipeline.yml, or on its own:

    spark-submit customer_features.py --spend_data <folder> --features <folder>
"""
import argparse

from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F

parser = argparse.ArgumentParser()
parser.add_argument("--spend_data", required=True, help="parquet folder of customer spend, partitioned by segment")
parser.add_argument("--features", required=True, help="folder to write the features to, as parquet")
args = parser.parse_args()

spark = SparkSession.builder.appName("customer_features").getOrCreate()

spend = spark.read.parquet(args.spend_data)

# Measure recency and tenure against the last order in the data, not the wall clock,
# so the same input always gives the same features.
as_of = spend.agg(F.max("last_order_ts").alias("as_of")).first()["as_of"]
as_of_date = F.to_date(F.lit(as_of))
in_segment = Window.partitionBy("segment").orderBy("total_spend")

features = (
    spend
    .withColumn("tenure_days", F.datediff(as_of_date, "signup_date"))
    .withColumn("recency_days", F.datediff(as_of_date, F.to_date("last_order_ts")))
    .withColumn("active_90d", F.coalesce(F.col("recency_days") <= 90, F.lit(False)).cast("int"))
    .withColumn("spend_percentile", F.round(F.percent_rank().over(in_segment), 4))
    .withColumn("log_total_spend", F.round(F.log1p("total_spend"), 4))
    .select(
        "customer_id",
        "segment",
        "order_count",
        "total_spend",
        "log_total_spend",
        "avg_order_value",
        "tenure_days",
        "recency_days",
        "active_90d",
        "spend_percentile",
        "segment_share",
    )
)

features.write.mode("overwrite").parquet(args.features)
count = spark.read.parquet(args.features).count()
print(f"customer_features: wrote {count} rows to {args.features}")
features.groupBy("segment").agg(
    F.count("*").alias("customers"),
    F.round(F.avg("recency_days"), 1).alias("avg_recency_days"),
    F.sum("active_90d").alias("active_90d"),
).orderBy("segment").show()
