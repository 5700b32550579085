"""A Spark batch job: count words of a small text. Run it with "Run Python File on Spark Pool"."""
import sys
from collections import Counter

TEXT = "spark prepares data and azure ml trains models and spark scores them"
words = TEXT.split() + sys.argv[1:]

try:
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("wordcount").getOrCreate()
    counts = dict(spark.sparkContext.parallelize(words).map(lambda w: (w, 1)).reduceByKey(lambda a, b: a + b).collect())
except ImportError:
    counts = Counter(words)

for word, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
    print(f"{word}\t{count}")
print(f"wordcount: {len(words)} words, {len(counts)} distinct")
