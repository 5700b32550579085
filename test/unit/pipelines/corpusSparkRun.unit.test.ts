/**
 * The Spark pipelines of the azureml-examples corpus, as users have them, run to completion offline on the
 * emulator's real Spark: the pipeline and component files are used unchanged (only the placeholder for the
 * attached pool is filled in), with entry scripts and data of our own (test/fixtures/spark-entries) since the
 * corpus has none. Submitted with the extension's own submit code and followed to the end.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { containerClient } from '../../../emulator/src/storage/azurite';
import { referencePath } from '../../support/reference';
import { useSubmitRuns } from '../../support/submitRuns';

const entries = path.resolve(__dirname, '../../../../test/fixtures/spark-entries');

function copyInto(dir: string, files: Record<string, string>): void {
  for (const [target, source] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, target)), { recursive: true });
    fs.copyFileSync(source, path.join(dir, target));
  }
}

describe("pipelines: the corpus's Spark pipelines run on the emulator's Spark", function () {
  this.timeout(240_000);
  const runs = useSubmitRuns();
  const run = async (file: string, root: string) => {
    const { final, log } = await runs.submitAndFollow(file, root);
    return { status: final.status, log };
  };

  it('shakespear_sample_and_word_count_using_spark: two Spark components, a uri_file passed between them', async () => {
    const root = runs.tempDir('corpus-shakespeare-');
    const corpus = referencePath('corpus/aml-pipelines/cli/jobs/pipelines-with-components/shakespear_sample_and_word_count_using_spark');
    copyInto(root, {
      'pipeline.yml': path.join(corpus, 'pipeline.yml'),
      'sample_word/component.yml': path.join(corpus, 'sample_word', 'component.yml'),
      'word_count/component.yml': path.join(corpus, 'word_count', 'component.yml'),
      'sample_word/sampleword.py': path.join(entries, 'shakespeare', 'sample_word', 'sampleword.py'),
      'word_count/wordcount.py': path.join(entries, 'shakespeare', 'word_count', 'wordcount.py'),
      'data/shakespeare.txt': path.join(entries, 'shakespeare', 'data', 'shakespeare.txt'),
    });
    const { status, log } = await run(path.join(root, 'pipeline.yml'), root);
    assert.equal(status, 'Completed', log);
    const kept = /sampleword: kept (\d+) of (\d+) lines/.exec(log);
    assert.ok(kept, log);
    assert.equal(
      kept[2],
      String(
        fs
          .readFileSync(path.join(root, 'data', 'shakespeare.txt'), 'utf8')
          .trim()
          .split('\n').length,
      ),
    );
    const counted = /wordcount: (\d+) words/.exec(log);
    assert.ok(counted, log);
  });

  it('attached-spark-pipeline-user-identity: the Titanic component on the attached pool, input from the datastore', async () => {
    const root = runs.tempDir('corpus-titanic-');
    const corpus = referencePath('corpus/aml-pipelines/cli/jobs/spark');
    copyInto(root, {
      'spark-job-component.yml': path.join(corpus, 'spark-job-component.yml'),
      'src/titanic.py': path.join(entries, 'titanic', 'src', 'titanic.py'),
    });
    const pipeline = fs.readFileSync(path.join(corpus, 'attached-spark-pipeline-user-identity.yml'), 'utf8');
    assert.match(pipeline, /compute: <ATTACHED_SPARK_POOL_NAME>/);
    fs.writeFileSync(path.join(root, 'pipeline.yml'), pipeline.replace('<ATTACHED_SPARK_POOL_NAME>', 'azureml:sparksmall'));
    // The input the file names: azureml://datastores/workspaceblobstore/paths/data/titanic.csv
    const datastore = await runs.client().defaultDatastore();
    assert.equal(datastore.name, 'workspaceblobstore');
    const container = containerClient(runs.emu().handle.blobServiceUrl!, runs.emu().caPem, datastore.containerName);
    const csv = fs.readFileSync(path.join(entries, 'titanic', 'data', 'titanic.csv'));
    await container.getBlockBlobClient('data/titanic.csv').uploadData(csv);
    const { status, log } = await run(path.join(root, 'pipeline.yml'), root);
    assert.equal(status, 'Completed', log);
    assert.match(log, /titanic: wrangled 20 passengers, 11 columns, median age \d+/);
  });
});
