// The manifest's user-facing strings live in package.nls.json (so the extension can be translated): package.json
// refers to them as %key%, every key resolves, none is left over, and none of those strings is written in
// package.json itself.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const readJson = (rel: string) => JSON.parse(fs.readFileSync(path.join(repoRoot, rel), 'utf8'));

const manifest = readJson('package.json');
const nls: Record<string, unknown> = readJson('package.nls.json');

/** Every string value in a JSON tree with its path (`contributes.commands[3].title`). */
function strings(value: unknown, at = ''): [string, string][] {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, at ? `${at}.${k}` : k));
  return [];
}

const ref = (value: unknown) => (typeof value === 'string' ? /^%([^%\s]+)%$/.exec(value)?.[1] : undefined);
const short = (id: string) => id.replace(/^synapseSpark\./, '');

describe('manifest: package.nls.json', () => {
  it('has an entry for every %key% of package.json and no entry package.json does not use', () => {
    const used = new Set<string>();
    for (const [at, value] of strings(manifest)) {
      const key = ref(value);
      if (!key) continue;
      used.add(key);
      assert.ok(Object.prototype.hasOwnProperty.call(nls, key), `${at}: %${key}% is not in package.nls.json`);
    }
    assert.deepEqual(
      Object.keys(nls).filter((k) => !used.has(k)),
      [],
      'entries no %key% refers to',
    );
    for (const [key, text] of Object.entries(nls)) assert.ok(typeof text === 'string' && text.trim() !== '', `${key}: empty`);
  });

  it('leaves no user-facing string of package.json untranslatable', () => {
    const c = manifest.contributes;
    const fields: [string, unknown][] = [
      ['displayName', manifest.displayName],
      ['description', manifest.description],
    ];
    for (const list of Object.values<any[]>(c.viewsContainers ?? {}))
      for (const v of list) fields.push([`viewsContainer ${v.id}.title`, v.title]);
    for (const list of Object.values<any[]>(c.views ?? {})) {
      for (const v of list) fields.push([`view ${v.id}.name`, v.name], [`view ${v.id}.contextualTitle`, v.contextualTitle ?? '%-%']);
    }
    for (const w of c.viewsWelcome ?? []) fields.push([`viewsWelcome ${w.view}`, w.contents]);
    for (const cmd of c.commands ?? []) {
      fields.push([`command ${cmd.command}.title`, cmd.title], [`command ${cmd.command}.category`, cmd.category ?? '%-%']);
      if (cmd.shortTitle !== undefined) fields.push([`command ${cmd.command}.shortTitle`, cmd.shortTitle]);
    }
    fields.push(['configuration.title', c.configuration.title]);
    for (const [id, p] of Object.entries<any>(c.configuration.properties)) {
      assert.ok(p.description !== undefined || p.markdownDescription !== undefined, `${id}: no description`);
      for (const f of ['description', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage', 'title']) {
        if (p[f] !== undefined) fields.push([`${id}.${f}`, p[f]]);
      }
      for (const f of ['enumDescriptions', 'markdownEnumDescriptions']) {
        if (p[f] === undefined) continue;
        assert.equal(p[f].length, p.enum.length, `${id}.${f}: one per enum value`);
        p[f].forEach((d: unknown, i: number) => fields.push([`${id}.${f}[${i}]`, d]));
      }
    }
    for (const r of c.notebookRenderer ?? []) fields.push([`notebookRenderer ${r.id}.displayName`, r.displayName]);
    for (const e of c.customEditors ?? []) fields.push([`customEditor ${e.viewType}.displayName`, e.displayName]);
    for (const w of c.walkthroughs ?? [])
      fields.push(
        ...strings(
          { title: w.title, description: w.description, steps: w.steps?.map((s: any) => ({ t: s.title, d: s.description })) },
          `walkthrough ${w.id}`,
        ),
      );
    const literal = fields.filter(([, v]) => !ref(v)).map(([at, v]) => `${at}: ${JSON.stringify(v)}`);
    assert.deepEqual(literal, [], 'user-facing strings written in package.json instead of package.nls.json');
    assert.ok(fields.length > 90, `checked ${fields.length} strings`);
  });

  it('names keys after what they label', () => {
    const c = manifest.contributes;
    for (const cmd of c.commands) {
      assert.equal(ref(cmd.title), `command.${short(cmd.command)}.title`);
      assert.equal(ref(cmd.category), 'command.category');
    }
    for (const list of Object.values<any[]>(c.views)) for (const v of list) assert.equal(ref(v.name), `view.${short(v.id)}.name`);
    for (const [id, p] of Object.entries<any>(c.configuration.properties)) {
      for (const f of ['description', 'markdownDescription'])
        if (p[f] !== undefined) assert.equal(ref(p[f]), `configuration.${short(id)}.${f}`);
      (p.enumDescriptions ?? []).forEach((d: string, i: number) =>
        assert.equal(ref(d), `configuration.${short(id)}.enumDescriptions.${p.enum[i]}`),
      );
    }
    for (const w of c.viewsWelcome) assert.match(ref(w.contents)!, new RegExp(`^viewsWelcome\\.${short(w.view)}(\\.\\w+)?\\.contents$`));
  });

  it('resolves to the titles the command palette shows', () => {
    const title = (id: string) => {
      const cmd = manifest.contributes.commands.find((x: { command: string }) => x.command === id);
      return `${nls[ref(cmd.category)!]}: ${nls[ref(cmd.title)!]}`;
    };
    // The titles the e2e suites type into the palette.
    assert.equal(title('synapseSpark.showLog'), 'Synapse Spark: Show Log');
    assert.equal(title('synapseSpark.signIn'), 'Synapse Spark: Sign In to Azure');
    assert.equal(title('synapseSpark.pipelines.submit'), 'Synapse Spark: Submit Pipeline');
    assert.equal(nls[ref(manifest.displayName)!], 'Azure ML Synapse Spark');
  });

  it('ships package.nls.json and the l10n bundle folder in the VSIX', () => {
    assert.equal(manifest.l10n, './l10n');
    const bundle = readJson(path.join(manifest.l10n, 'bundle.l10n.json'));
    assert.equal(typeof bundle, 'object');
    const shipped = fs
      .readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    assert.ok(shipped.includes('!package.nls.json'), '.vscodeignore lets package.nls.json in');
    assert.ok(shipped.includes('!l10n/**'), '.vscodeignore lets l10n/ in');
  });
});
