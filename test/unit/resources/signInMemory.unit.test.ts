/**
 * What the activation entry point reads to decide whether opening a Jupyter notebook loads the features: the
 * sign-in the account manager remembers, written and cleared by a real sign-in and sign-out against the emulator.
 */
import * as assert from 'node:assert/strict';
import { notebookNeedsFeatures } from '../../../src/core/auth/signInMemory';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';
import { signedInStack } from './harness';

describe('the remembered sign-in that decides whether a notebook loads the features', function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(async () => emu?.stop());

  it('is absent before a sign-in, set by signing in, and gone after signing out', async () => {
    const s = await signedInStack(emu, { signIn: false });
    const read = (key: string) => s.store.get(key);
    assert.equal(notebookNeedsFeatures(read), false, 'never signed in: a notebook does not load the features');
    assert.equal(await s.account.signIn({ interactive: true }), true);
    assert.equal(notebookNeedsFeatures(read), true, 'a sign-in to restore: notebooks load the kernels');
    await s.account.signOut();
    assert.equal(notebookNeedsFeatures(read), false, 'signed out: back to activation only');
  });
});
