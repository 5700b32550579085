/**
 * Compute names as Azure ML accepts them: 2 to 16 characters, letters, digits and hyphens, starting with
 * a letter, unique in the workspace (case-insensitively, whatever the compute type). Pure, for the wizard.
 */
import * as l10n from '@vscode/l10n';
const PATTERN = /^[a-zA-Z][a-zA-Z0-9-]{1,15}$/;

/** The problem with `name`, or undefined when it is acceptable. */
export function validateComputeName(name: string, existing: readonly string[] = []): string | undefined {
  if (name.length < 2 || name.length > 16) return l10n.t('A compute name has 2 to 16 characters (this one has {0}).', name.length);
  if (!/^[a-zA-Z]/.test(name)) return l10n.t('A compute name starts with a letter.');
  if (!PATTERN.test(name)) return l10n.t('A compute name has only letters, digits and hyphens (-).');
  if (existing.some((e) => e.toLowerCase() === name.toLowerCase())) return l10n.t("The workspace already has a compute named '{0}'.", name);
  return undefined;
}

/** A valid, unused name derived from the pool name (the wizard's default). */
export function suggestComputeName(poolName: string, existing: readonly string[] = []): string {
  let base = poolName.replace(/[^a-zA-Z0-9-]/g, '-').replace(/^[^a-zA-Z]+/, '');
  if (base.length < 2) base = `spark${base}`;
  base = base.slice(0, 16);
  if (!validateComputeName(base, existing)) return base;
  for (let i = 1; i < 1000; i++) {
    const suffix = `-${i}`;
    const candidate = `${base.slice(0, 16 - suffix.length)}${suffix}`;
    if (!validateComputeName(candidate, existing)) return candidate;
  }
  return base;
}

/** Linked service names (2020-09-01-preview): start with a letter or digit; letters, digits, _ and -. */
export function validateLinkName(name: string, existing: readonly string[] = []): string | undefined {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/.test(name))
    return l10n.t('A link name starts with a letter or digit and has only letters, digits, _ and -.');
  if (existing.some((e) => e.toLowerCase() === name.toLowerCase()))
    return l10n.t("The workspace already has a linked service named '{0}'.", name);
  return undefined;
}
