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
  /** Relative path of the pipeline YAML inside `files`. */
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
  const pipeline = `$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
# Azure ML pipeline: prepare data on Spark, train a model, score on Spark.
# Submit with the "Submit Pipeline" command or with: az ml job create --file pipeline.yml
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
    'pipeline.yml': pipeline,
    'src/prepare.py': PREPARE_PY,
    'src/score.py': SCORE_PY,
    'data/sample.csv': SAMPLE_CSV,
  };
  files[opts.trainOn === 'spark' ? 'src/train_spark.py' : 'src/train.py'] = opts.trainOn === 'spark' ? TRAIN_SPARK_PY : TRAIN_PY;
  return { pipelinePath: 'pipeline.yml', files };
}

const SAMPLE_CSV = `feature_a,feature_b,label
1.0,0.5,0
2.0,1.5,1
3.0,0.1,0
4.0,2.5,1
`;

const PREPARE_PY = `"""Prepare: read the raw CSV on Spark, clean it and write Parquet."""
import argparse

from pyspark.sql import SparkSession

parser = argparse.ArgumentParser()
parser.add_argument("--raw_data")
parser.add_argument("--prepared_data")
args = parser.parse_args()

spark = SparkSession.builder.getOrCreate()
df = spark.read.option("header", True).option("inferSchema", True).csv(args.raw_data)
df.dropna().write.mode("overwrite").parquet(args.prepared_data)
`;

const TRAIN_PY = `"""Train: fit a scikit-learn model on the prepared Parquet data."""
import argparse
import os
import pickle

import pandas as pd
from sklearn.linear_model import LogisticRegression

parser = argparse.ArgumentParser()
parser.add_argument("--training_data")
parser.add_argument("--model_output")
args = parser.parse_args()

df = pd.read_parquet(args.training_data)
model = LogisticRegression().fit(df.drop(columns=["label"]), df["label"])
os.makedirs(args.model_output, exist_ok=True)
with open(os.path.join(args.model_output, "model.pkl"), "wb") as f:
    pickle.dump(model, f)
`;

const TRAIN_SPARK_PY = `"""Train: fit a Spark ML logistic regression on the prepared data."""
import argparse

from pyspark.ml import Pipeline
from pyspark.ml.classification import LogisticRegression
from pyspark.ml.feature import VectorAssembler
from pyspark.sql import SparkSession

parser = argparse.ArgumentParser()
parser.add_argument("--training_data")
parser.add_argument("--model_output")
args = parser.parse_args()

spark = SparkSession.builder.getOrCreate()
df = spark.read.parquet(args.training_data)
features = [c for c in df.columns if c != "label"]
pipeline = Pipeline(stages=[VectorAssembler(inputCols=features, outputCol="features"), LogisticRegression()])
pipeline.fit(df).write().overwrite().save(args.model_output)
`;

const SCORE_PY = `"""Score: apply the trained model to the prepared data on Spark."""
import argparse

from pyspark.sql import SparkSession

parser = argparse.ArgumentParser()
parser.add_argument("--model_input")
parser.add_argument("--data")
parser.add_argument("--scored_data")
args = parser.parse_args()

spark = SparkSession.builder.getOrCreate()
df = spark.read.parquet(args.data)
# Replace with loading your model (a Spark ML PipelineModel, or a pickled model applied in a pandas UDF).
df.write.mode("overwrite").parquet(args.scored_data)
`;
