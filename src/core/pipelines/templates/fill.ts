// Fills the `@@name@@` placeholders of a template file (see ../template.ts).

/**
 * Replaces each `@@name@@` in `template` by `values[name]`. A placeholder alone on its line stands for a block
 * of whole lines: the value replaces that line, newline included, and brings its own (a part file as it is on
 * disk, ending in a newline; one is added when it does not). Any other placeholder is replaced in place.
 * A placeholder without a value throws, so a renamed placeholder cannot slip through as text.
 */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/^@@(\w+)@@\n|@@(\w+)@@/gm, (_match, block: string | undefined, inline: string | undefined) => {
    const key = (block ?? inline)!;
    const value = Object.prototype.hasOwnProperty.call(values, key) ? values[key] : undefined;
    if (value === undefined) throw new Error(`Template placeholder @@${key}@@ has no value`);
    return block !== undefined && !value.endsWith('\n') ? `${value}\n` : value;
  });
}
