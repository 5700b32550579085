// "New Pipeline": a commented pipeline (prepare on Spark -> train -> score) plus the files it
// refers to, returned as relative path -> content for the glue to write. The files are the templates in
// ./templates, bundled as text; ./templates/parts holds the pieces that vary with the options or that
// several files share.
import { fillTemplate } from './templates/fill';
import pipelineYml from './templates/pipeline.yml';
import sampleCsv from './templates/sample.csv';
import prepareTemplate from './templates/prepare.py';
import trainTemplate from './templates/train.py';
import trainSparkTemplate from './templates/train_spark.py';
import scoreTemplate from './templates/score.py';
import sparkPoolYml from './templates/parts/spark-pool.yml';
import sparkServerlessYml from './templates/parts/spark-serverless.yml';
import sparkConfYml from './templates/parts/spark-conf.yml';
import commandClusterYml from './templates/parts/command-cluster.yml';
import commandServerlessYml from './templates/parts/command-serverless.yml';
import trainSparkYml from './templates/parts/train-spark.yml';
import trainCommandYml from './templates/parts/train-command.yml';
import readRowsPy from './templates/parts/read_rows.py';
import fitPlainPy from './templates/parts/fit_plain.py';
import trainArgsPy from './templates/parts/train_args.py';

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

// The scripts run on Azure ML (Spark steps with PySpark, the command step with scikit-learn) and also where
// neither is installed, as in the local emulator: each one then falls back to plain Python that reads and
// writes the same files. Data between the steps is CSV with a header row (a file, or a folder of part files
// as Spark writes them); the model is model.json (feature names, weights and bias of a logistic regression).
// parts/read_rows.py and parts/fit_plain.py are the plain-Python helpers the scripts share; parts/train_args.py
// the imports and arguments of both training scripts.
const scriptParts = { readRows: readRowsPy, fitPlain: fitPlainPy, trainArgs: trainArgsPy };

export function newPipelineTemplate(opts: NewPipelineOptions = {}): NewPipelineFiles {
  const name = opts.name ?? 'spark-prepare-train-score';
  const pipelinePath = `${name}.pipeline.yml`;
  // Where a Spark step runs: the attached pool, else serverless Spark; then the Spark conf every step shares.
  const sparkCompute = (opts.sparkPool ? fillTemplate(sparkPoolYml, { poolName: opts.sparkPool }) : sparkServerlessYml) + sparkConfYml;
  const trainStep =
    opts.trainOn === 'spark'
      ? fillTemplate(trainSparkYml, { sparkCompute })
      : fillTemplate(trainCommandYml, {
          commandCompute: opts.commandCompute
            ? fillTemplate(commandClusterYml, { clusterName: opts.commandCompute })
            : commandServerlessYml,
        });
  const files: Record<string, string> = {
    [pipelinePath]: fillTemplate(pipelineYml, { name, pipelinePath, sparkCompute, trainStep }),
    'src/prepare.py': fillTemplate(prepareTemplate, scriptParts),
    'src/score.py': fillTemplate(scoreTemplate, scriptParts),
    'data/sample.csv': sampleCsv,
  };
  if (opts.trainOn === 'spark') files['src/train_spark.py'] = fillTemplate(trainSparkTemplate, scriptParts);
  else files['src/train.py'] = fillTemplate(trainTemplate, scriptParts);
  return { pipelinePath, files };
}
