/**
 * Where the account manager remembers a sign-in to restore (globalState in the glue). Kept apart from the
 * account manager so the activation entry point can read it without loading any of the Azure code.
 */
export const SIGNED_IN_KEY = 'synapseSpark.signedIn';

/**
 * Whether opening a Jupyter notebook should load the features at once: only when a sign-in will be restored,
 * since without one there are no attached pools and so no kernels to offer. A user who never signed in pays
 * for the cheap activation only; signing in (a command) loads the features then.
 */
export function notebookNeedsFeatures(get: (key: string) => unknown): boolean {
  return typeof get(SIGNED_IN_KEY) === 'string';
}
