/** YAML aliases and merge keys read as the values they stand for; an alias bomb gives a clear error quickly. */
import * as assert from 'node:assert/strict';
import { analyzePipeline } from '../../../src/core/pipelines/analyze';
import { toPipelineJobBody } from '../../../src/core/pipelines/rest/pipelineJob';

const WITH_ALIASES = `type: pipeline
x-conf: &conf
  spark.driver.cores: 1
  spark.driver.memory: 2g
x-step: &spark_step
  type: spark
  code: ./src
  entry:
    file: main.py
  resources:
    instance_type: standard_e4s_v3
jobs:
  first:
    <<: *spark_step
    conf: *conf
  second:
    <<: *spark_step
    entry:
      file: other.py
`;

describe('pipelines: YAML aliases', () => {
  it('reads aliases and merge keys as their values, and an own key wins over a merged one', () => {
    const parsed = analyzePipeline(WITH_ALIASES);
    assert.deepEqual(
      parsed.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const [first, second] = parsed.model!.steps;
    assert.equal(first.type, 'spark');
    assert.deepEqual(first.own.conf, { 'spark.driver.cores': 1, 'spark.driver.memory': '2g' });
    assert.equal(first.own.entry?.file, 'main.py');
    assert.equal(second.own.entry?.file, 'other.py');
    const body = JSON.stringify(
      toPipelineJobBody(parsed.model!, { workspace: { subscriptionId: 's', resourceGroup: 'g', workspaceName: 'w' } }).body,
    );
    assert.doesNotMatch(body, /"source"|<</, 'no alias objects or merge keys reach the body');
  });

  it('stops an alias bomb with a clear error, fast', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++)
      levels.push(
        `l${i}: &l${i} [${Array(9)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(',')}]`,
      );
    const started = Date.now();
    const parsed = analyzePipeline(`${levels.join('\n')}\ntype: pipeline\njobs: {}\n`);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    assert.equal(parsed.model, undefined);
    assert.match(parsed.diagnostics.map((d) => d.message).join('\n'), /aliases expand too far .* alias bomb/);
  });
});
