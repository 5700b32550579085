// "New Pipeline": a commented pipeline (prepare on Spark -> train -> score) plus the files it
// refers to, returned as relative path -> content for the glue to write.

export interface NewPipelineOptions {
  /** Used for display_name and experiment_name. */
  name?: string;
  /** Where the training step runs: an Azure ML command job (default) or Spark. */
  trainOn?: 'command' | 'spark';
  /** Attached Synapse Spark pool (compute name). Without it the Spark steps use serverless Spark. */
  sparkPool?: string;
  /**
   * Compute for command steps (a compute cluster of the workspace). Without it the command step names no
   * compute: Azure ML then uses `settings.default_compute` when set, else serverless compute.
   */
  commandCompute?: string;
}

export interface NewPipelineFiles {
  /** Relative path of the pipeline YAML inside `files`: `<name>.pipeline.yml` (the name in its comment). */
  pipelinePath: string;
  files: Record<string, string>;
}

function sparkTarget(opts: NewPipelineOptions, indent: string): string {
  if (opts.sparkPool) {
    return `${indent}# An attached Synapse Spark pool. Remove this and add 'resources' for serverless Spark.\n${indent}compute: azureml:${opts.sparkPool}\n`;
  }
  return (
    `${indent}# Serverless Spark. To use an attached Synapse Spark pool instead, replace 'resources' by\n` +
    `${indent}# 'compute: azureml:<pool-name>'.\n` +
    `${indent}resources:\n${indent}  instance_type: standard_e4s_v3\n${indent}  runtime_version: "3.4"\n`
  );
}

const SPARK_CONF = `    conf:
      spark.driver.cores: 1
      spark.driver.memory: 2g
      spark.executor.cores: 2
      spark.executor.memory: 2g
      spark.executor.instances: 2
`;

function commandTarget(opts: NewPipelineOptions, indent: string): string {
  if (opts.commandCompute) return `${indent}compute: azureml:${opts.commandCompute}\n`;
  return (
    `${indent}# No 'compute': Azure ML runs this step on serverless compute (or on settings.default_compute when\n` +
    `${indent}# the pipeline sets one). To use a compute cluster: compute: azureml:<cluster-name>\n`
  );
}

function trainStep(opts: NewPipelineOptions): string {
  if (opts.trainOn === 'spark') {
    return `  train:
    type: spark
    code: ./src
    entry:
      file: train_spark.py
    inputs:
      training_data:
        path: \${{parent.jobs.prepare.outputs.prepared_data}}
        mode: direct
    outputs:
      model_output:
        type: uri_folder
        mode: direct
    args: >-
      --training_data \${{inputs.training_data}}
      --model_output \${{outputs.model_output}}
    identity:
      type: user_identity
${sparkTarget(opts, '    ')}${SPARK_CONF}`;
  }
  return `  train:
    type: command
    code: ./src
    # Any Azure ML environment with scikit-learn and pandas works here.
    environment: azureml://registries/azureml/environments/sklearn-1.5/labels/latest
${commandTarget(opts, '    ')}    inputs:
      training_data: \${{parent.jobs.prepare.outputs.prepared_data}}
    outputs:
      model_output:
        type: uri_folder
    command: >-
      python train.py
      --training_data \${{inputs.training_data}}
      --model_output \${{outputs.model_output}}
`;
}

export function newPipelineTemplate(opts: NewPipelineOptions = {}): NewPipelineFiles {
  const name = opts.name ?? 'spark-prepare-train-score';
  const pipelinePath = `${name}.pipeline.yml`;
  const pipeline = `$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
# Azure ML pipeline: prepare data on Spark, train a model, score on Spark.
# Submit with the "Submit Pipeline" command or with: az ml job create --file ${pipelinePath}
type: pipeline
display_name: ${name}
experiment_name: ${name}
description: Prepare data on Spark, train a model, score with Spark

inputs:
  # Local data is uploaded to the workspace's default datastore on submit.
  raw_data:
    type: uri_file
    path: ./data/sample.csv
    mode: direct

outputs:
  scored_data:
    type: uri_folder
    mode: direct

jobs:
  prepare:
    type: spark
    code: ./src
    entry:
      file: prepare.py
    inputs:
      raw_data: \${{parent.inputs.raw_data}}
    outputs:
      prepared_data:
        type: uri_folder
        mode: direct
    args: >-
      --raw_data \${{inputs.raw_data}}
      --prepared_data \${{outputs.prepared_data}}
    # Spark reads the data with the submitting user's identity.
    identity:
      type: user_identity
${sparkTarget(opts, '    ')}${SPARK_CONF}
${trainStep(opts)}
  score:
    type: spark
    code: ./src
    entry:
      file: score.py
    inputs:
      model_input:
        path: \${{parent.jobs.train.outputs.model_output}}
        mode: direct
      data:
        path: \${{parent.jobs.prepare.outputs.prepared_data}}
        mode: direct
    outputs:
      scored_data: \${{parent.outputs.scored_data}}
    args: >-
      --model_input \${{inputs.model_input}}
      --data \${{inputs.data}}
      --scored_data \${{outputs.scored_data}}
    identity:
      type: user_identity
${sparkTarget(opts, '    ')}${SPARK_CONF}`;
  const files: Record<string, string> = {
    [pipelinePath]: pipeline,
    'src/prepare.py': PREPARE_PY,
    'src/score.py': SCORE_PY,
    'data/sample.csv': SAMPLE_CSV,
  };
  files[opts.trainOn === 'spark' ? 'src/train_spark.py' : 'src/train.py'] = opts.trainOn === 'spark' ? TRAIN_SPARK_PY : TRAIN_PY;
  return { pipelinePath, files };
}

const SAMPLE_CSV = `feature_a,feature_b,label
1.0,0.5,0
2.0,1.5,1
3.0,0.1,0
4.0,2.5,1
`;


// The scripts run on Azure ML (Spark steps with PySpark, the command step with scikit-learn) and also where
// neither is installed, as in the local emulator: each one then falls back to plain Python that reads and
// writes the same files. Data between the steps is CSV with a header row (a file, or a folder of part files
// as Spark writes them); the model is model.json (feature names, weights and bias of a logistic regression).

/** Plain-Python helpers shared by the scripts (a function per task; no third-party packages). */
const READ_ROWS_PY = `def csv_files(path):
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
`;

const FIT_PLAIN_PY = `def fit_logistic(x, y, steps=1000, rate=0.5):
    """Logistic regression by batch gradient descent (used when scikit-learn / Spark ML is missing)."""
    w = [0.0] * len(x[0])
    b = 0.0
    for _ in range(steps):
        gw = [0.0] * len(w)
        gb = 0.0
        for xi, yi in zip(x, y):
            z = max(-30.0, min(30.0, b + sum(a * v for a, v in zip(w, xi))))
            err = 1.0 / (1.0 + math.exp(-z)) - yi
            gw = [g + err * v for g, v in zip(gw, xi)]
            gb += err
        w = [a - rate * g / len(x) for a, g in zip(w, gw)]
        b -= rate * gb / len(x)
    return w, b


def train_plain(training_data):
    rows = read_rows(training_data)
    if not rows:
        raise SystemExit(f"train: no rows in {training_data}")
    features = [c for c in rows[0] if c != "label"]
    x = [[float(r[c]) for c in features] for r in rows]
    y = [int(float(r["label"])) for r in rows]
    return features, x, y
`;

const PREPARE_PY = `"""Prepare: read the raw CSV, drop incomplete rows and write the result as CSV into the output folder.

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

${READ_ROWS_PY}

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
`;

const TRAIN_PY = `"""Train: fit a logistic regression on the prepared CSV data and save it as model.json.

Uses scikit-learn when it is installed (the Azure ML environment of this step); without it (the local
emulator) a small plain-Python logistic regression writes the same model.json.
"""
import argparse
import csv
import glob
import json
import math
import os

parser = argparse.ArgumentParser()
parser.add_argument("--training_data", required=True)
parser.add_argument("--model_output", required=True)
args = parser.parse_args()

try:
    from sklearn.linear_model import LogisticRegression
except ImportError:
    LogisticRegression = None


${READ_ROWS_PY}

${FIT_PLAIN_PY}

features, x, y = train_plain(args.training_data)
if LogisticRegression is not None:
    fitted = LogisticRegression().fit(x, y)
    weights, bias, used = [float(w) for w in fitted.coef_[0]], float(fitted.intercept_[0]), "scikit-learn"
else:
    (weights, bias), used = fit_logistic(x, y), "plain Python"
model = {"features": features, "weights": weights, "bias": bias, "trained_with": used}
os.makedirs(args.model_output, exist_ok=True)
with open(os.path.join(args.model_output, "model.json"), "w") as f:
    json.dump(model, f)
print(f"train: fitted on {len(x)} rows with {used}, model in {args.model_output}")
`;

const TRAIN_SPARK_PY = `"""Train: fit a logistic regression on the prepared data with Spark ML and save it.

Writes the Spark ML PipelineModel (spark_model/) and model.json (what score.py reads). Where pyspark is
not importable (the local emulator) a plain-Python logistic regression writes the same model.json.
"""
import argparse
import csv
import glob
import json
import math
import os

parser = argparse.ArgumentParser()
parser.add_argument("--training_data", required=True)
parser.add_argument("--model_output", required=True)
args = parser.parse_args()

try:
    from pyspark.sql import SparkSession
except ImportError:
    SparkSession = None


${READ_ROWS_PY}

${FIT_PLAIN_PY}

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
`;

const SCORE_PY = `"""Score: apply the trained model (model.json) to the prepared data and write the predictions as CSV.

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


${READ_ROWS_PY}

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
`;
