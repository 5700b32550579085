"""A Spark batch job: count the words of a small text and save the counts as parquet on the workspace's lake.

Run it with "Run Python File on Spark Pool"; extra arguments are counted too.
"""
import sys

from pyspark.sql import SparkSession

TEXT = "spark prepares data and azure ml trains models and spark scores them"
OUTPUT = "/sample/wordcount"  # the workspace's primary storage: abfss://<filesystem>@<account>.dfs.core.windows.net/sample/wordcount

spark = SparkSession.builder.appName("wordcount").getOrCreate()
words = TEXT.split() + sys.argv[1:]
counts = spark.sparkContext.parallelize(words).map(lambda w: (w, 1)).reduceByKey(lambda a, b: a + b).toDF(["word", "count"])
counts.write.mode("overwrite").parquet(OUTPUT)

for row in spark.read.parquet(OUTPUT).orderBy(["count", "word"], ascending=[False, True]).collect():
    print(f"{row['word']}\t{row['count']}")
print(f"wordcount: {len(words)} words, {counts.count()} distinct")
print(f"wordcount: wrote {spark.read.parquet(OUTPUT).count()} rows of parquet to {spark.read.parquet(OUTPUT).inputFiles()[0].rsplit('/', 1)[0]}")
