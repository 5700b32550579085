// Upload plan: one item per code folder / local data path, with a stable, content-sensitive hash.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzePipeline } from '../../../src/core/pipelines/analyze';
import { NodeFileReader } from '../../../src/core/pipelines/nodeFileReader';
import { toSlashes } from '../../../src/core/pipelines/paths';
import { hashContent, planUploads } from '../../../src/core/pipelines/uploadPlan';

describe('pipelines: upload plan', () => {
  let dir: string;
  const reader = new NodeFileReader();
  const write = (rel: string, content: string): void => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  };

  beforeEach(() => {
    dir = toSlashes(fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-upload-')));
    write('src/main.py', 'print(1)\n');
    write('src/lib/util.py', 'X = 1\n');
    write('src/__pycache__/main.cpython-312.pyc', 'junk');
    write('data/in.csv', 'a,b\n1,2\n');
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hashes the same content the same way, ignoring caches', async () => {
    const first = await hashContent(reader, `${dir}/src`);
    assert.deepEqual(first!.files, ['lib/util.py', 'main.py']);
    assert.equal(first!.totalBytes, 'print(1)\n'.length + 'X = 1\n'.length);
    write('src/__pycache__/other.pyc', 'more junk');
    assert.equal((await hashContent(reader, `${dir}/src`))!.hash, first!.hash);
  });

  it('changes when a byte, a file name or the file set changes', async () => {
    const base = (await hashContent(reader, `${dir}/src`))!.hash;
    write('src/main.py', 'print(2)\n');
    const edited = (await hashContent(reader, `${dir}/src`))!.hash;
    assert.notEqual(edited, base);
    write('src/main.py', 'print(1)\n');
    assert.equal((await hashContent(reader, `${dir}/src`))!.hash, base, 'restoring the content restores the hash');
    fs.renameSync(`${dir}/src/lib/util.py`, `${dir}/src/lib/util2.py`);
    assert.notEqual((await hashContent(reader, `${dir}/src`))!.hash, base);
    fs.renameSync(`${dir}/src/lib/util2.py`, `${dir}/src/lib/util.py`);
    write('src/empty.txt', '');
    assert.notEqual((await hashContent(reader, `${dir}/src`))!.hash, base);
  });

  it('plans one item per distinct folder, with the steps and inputs using it', async () => {
    const text = `type: pipeline
inputs:
  raw:
    type: uri_file
    path: ./data/in.csv
  remote:
    type: uri_folder
    path: azureml://datastores/workspaceblobstore/paths/x
jobs:
  a:
    type: spark
    code: ./src
    entry:
      file: main.py
  b:
    type: spark
    code: src
    entry:
      file: main.py
  c:
    type: command
    code: ./missing
    command: echo
`;
    const model = analyzePipeline(text, { filePath: `${dir}/pipeline.yml` }).model!;
    const plan = await planUploads(model, reader);
    assert.deepEqual(plan.missing, [`${dir}/missing`]);
    assert.deepEqual(
      plan.items.map((i) => [i.kind, i.localPath, i.isFolder, i.usedBy]),
      [
        ['code', `${dir}/src`, true, ['a', 'b']],
        ['data', `${dir}/data/in.csv`, false, ['raw']],
      ],
    );
    assert.equal(plan.items[0].hash, (await hashContent(reader, `${dir}/src`))!.hash);
    assert.match(plan.items[1].hash, /^[0-9a-f]{64}$/);
  });
});
