import * as assert from 'node:assert/strict';
import { suggestComputeName, validateComputeName, validateLinkName } from '../../../src/core/resources/computeName';

describe('compute name validation (as Azure ML does)', () => {
  it('accepts 2-16 letters, digits and hyphens starting with a letter', () => {
    for (const ok of ['ab', 'spark-small', 'a1234567890abcde', 'Pool-2']) assert.equal(validateComputeName(ok), undefined, ok);
  });

  it('refuses bad lengths, first characters and characters', () => {
    assert.match(validateComputeName('a')!, /2 to 16/);
    assert.match(validateComputeName('a12345678901234567')!, /2 to 16/);
    assert.match(validateComputeName('1pool')!, /starts with a letter/);
    assert.match(validateComputeName('-pool')!, /starts with a letter/);
    assert.match(validateComputeName('spark_pool')!, /letters, digits and hyphens/);
    assert.match(validateComputeName('spark pool')!, /letters, digits and hyphens/);
  });

  it('refuses a name the workspace already uses, whatever its case', () => {
    assert.match(validateComputeName('SparkSmall', ['sparksmall'])!, /already has a compute/);
  });

  it('suggests a valid unused name from the pool name', () => {
    assert.equal(suggestComputeName('sparksmall', []), 'sparksmall');
    assert.equal(suggestComputeName('sparksmall', ['sparksmall']), 'sparksmall-1');
    assert.equal(suggestComputeName('33_legacy_pool_with_long_name', []), 'legacy-pool-with');
    for (const n of [suggestComputeName('x'), suggestComputeName('averyveryverylongpoolname', ['averyveryverylon'])])
      assert.equal(validateComputeName(n), undefined, n);
  });

  it('validates linked service names', () => {
    assert.equal(validateLinkName('contoso-synapse_link'), undefined);
    assert.match(validateLinkName('-x')!, /starts with a letter or digit/);
    assert.match(validateLinkName('a', ['A'])!, /already has/);
  });
});
