"""Train: fit a logistic regression on the prepared data with Spark ML and save it.

Writes the Spark ML PipelineModel (spark_model/) and model.json (what score.py reads). Where pyspark is
not importable (the local emulator) a plain-Python logistic regression writes the same model.json.
"""
@@trainArgs@@

try:
    from pyspark.sql import SparkSession
except ImportError:
    SparkSession = None


@@readRows@@


@@fitPlain@@


if SparkSession is not None:
    from pyspark.ml import Pipeline
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.feature import VectorAssembler

    spark = SparkSession.builder.getOrCreate()
    df = spark.read.option("header", True).option("inferSchema", True).csv(args.training_data)
    features = [c for c in df.columns if c != "label"]
    stages = [VectorAssembler(inputCols=features, outputCol="features"), LogisticRegression()]
    fitted = Pipeline(stages=stages).fit(df)
    out = args.model_output.rstrip("/")
    fitted.write().overwrite().save(out + "/spark_model")
    lr = fitted.stages[-1]
    model = {"features": features, "weights": [float(w) for w in lr.coefficients], "bias": float(lr.intercept), "trained_with": "Spark ML"}
    # One JSON line; Spark writes it as a folder named model.json (score.py reads both forms).
    spark.createDataFrame([(json.dumps(model),)], ["value"]).coalesce(1).write.mode("overwrite").text(out + "/model.json")
    print(f"train: fitted with Spark ML, model in {out}")
else:
    features, x, y = train_plain(args.training_data)
    weights, bias = fit_logistic(x, y)
    model = {"features": features, "weights": weights, "bias": bias, "trained_with": "plain Python"}
    os.makedirs(args.model_output, exist_ok=True)
    with open(os.path.join(args.model_output, "model.json"), "w") as f:
        json.dump(model, f)
    print(f"train: fitted on {len(x)} rows with plain Python, model in {args.model_output}")
