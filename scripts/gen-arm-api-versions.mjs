#!/usr/bin/env node
/**
 * Writes emulator/src/arm/apiVersions.ts: for each provider the emulator serves, the resource types and the
 * api-versions real ARM accepts for them. The emulator answers any other version as ARM does (400
 * NoRegisteredProviderFound / InvalidApiVersionParameter) without reading anything at run time.
 *
 * Sources, all read here and nowhere else:
 *  - the swaggers copied under test/fixtures/reference/azure-api/specs (each `paths` entry is one resource
 *    type at the swagger's version);
 *  - the official SDK clients the extension uses (@azure/arm-synapse, @azure/arm-machinelearning): each
 *    operation spec's path and the api-version constant it sends;
 *  - the recorded ARM traffic under test/fixtures/reference/azure-api/recordings;
 *  - PUBLISHED below: versions the providers publish that none of the above carries (the extension sends some
 *    of them, e.g. 2024-04-01 for Azure ML jobs), and ARM's own list for Microsoft.Resources.
 *
 * Usage (after `npx tsc -p .`, for the emulator's resource-type rule):
 *        node scripts/gen-arm-api-versions.mjs          (rewrites the table)
 *        node scripts/gen-arm-api-versions.mjs --print  (prints the table as JSON, writes nothing)
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const REFERENCE = join(ROOT, 'test/fixtures/reference/azure-api');
const OUT = join(ROOT, 'emulator/src/arm/apiVersions.ts');
const SYNAPSE = 'Microsoft.Synapse';
const ML = 'Microsoft.MachineLearningServices';
const RESOURCES = 'Microsoft.Resources';
const PROVIDERS = [RESOURCES, SYNAPSE, ML];
const SDKS = ['@azure/arm-synapse', '@azure/arm-machinelearning'];
// What a path's resource type is: the emulator's own rule, compiled (`npx tsc -p .` first).
const { resourceTypeOf: typeOfPath } = await import(pathToFileURL(join(ROOT, 'out/emulator/src/arm/resourceType.js')).href);

// ARM's own routes (subscriptions, tenants, resource groups) accept one list: the one ARM's
// InvalidApiVersionParameter answer names, with the newer versions Microsoft.Resources has published since.
const ARM_VERSIONS = [
  '2013-03-01',
  '2014-01-01',
  '2014-02-26',
  '2014-04',
  '2014-04-01',
  '2014-04-01-preview',
  '2015-01-01',
  '2015-11-01',
  '2016-02-01',
  '2016-06-01',
  '2016-07-01',
  '2016-09-01',
  '2017-03-01',
  '2017-05-01',
  '2017-05-10',
  '2017-06-01',
  '2017-08-01',
  '2017-12-01',
  '2018-01-01',
  '2018-02-01',
  '2018-05-01',
  '2018-06-01',
  '2018-07-01',
  '2018-08-01',
  '2018-09-01',
  '2018-11-01',
  '2019-03-01',
  '2019-05-01',
  '2019-05-10',
  '2019-06-01',
  '2019-07-01',
  '2019-08-01',
  '2019-09-01',
  '2019-10-01',
  '2019-11-01',
  '2020-01-01',
  '2020-05-01',
  '2020-06-01',
  '2020-07-01',
  '2020-08-01',
  '2020-09-01',
  '2020-10-01',
  '2021-01-01',
  '2021-04-01',
  '2022-01-01',
  '2022-03-01-preview',
  '2022-05-01',
  '2022-06-01',
  '2022-09-01',
  '2022-11-01-preview',
  '2022-12-01',
  '2023-03-01-preview',
  '2023-07-01',
  '2023-07-01-preview',
  '2024-03-01',
  '2024-07-01',
  '2024-11-01',
];

// Azure ML keeps its v2 surface (datastores, codes, components, jobs, ...) in every version it has published
// since: each resource type the SDK's version serves is served at these too.
const ML_SDK_VERSION = '2022-10-01';
const ML_LATER_VERSIONS = [
  '2022-10-01-preview',
  '2023-04-01',
  '2023-04-01-preview',
  '2023-10-01',
  '2024-04-01',
  '2024-04-01-preview',
  '2024-10-01',
];
const SYNAPSE_VERSIONS = [
  '2019-06-01-preview',
  '2020-12-01',
  '2021-03-01',
  '2021-04-01-preview',
  '2021-05-01',
  '2021-05-01-preview',
  '2021-06-01',
  '2021-06-01-preview',
];

const PUBLISHED = {
  [RESOURCES]: Object.fromEntries(['subscriptions', 'tenants', 'resourceGroups'].map((t) => [t, ARM_VERSIONS])),
  [SYNAPSE]: Object.fromEntries(['workspaces', 'workspaces/bigDataPools', 'checkNameAvailability'].map((t) => [t, SYNAPSE_VERSIONS])),
};
const SUCCESSORS = { [ML]: { of: ML_SDK_VERSION, versions: ML_LATER_VERSIONS } };

// The operation URLs a provider hands out answer at the version of the call that started the operation.
const OPERATION_TYPES = {
  [ML]: {
    'locations/computeOperationsStatus': 'workspaces/computes',
    'locations/computeOperationsResult': 'workspaces/computes',
    'locations/mfeOperationsStatus': 'workspaces/jobs',
    'locations/mfeOperationResults': 'workspaces/jobs',
  },
};

function files(dir, suffix) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p, suffix);
    return name.endsWith(suffix) ? [p] : [];
  });
}

function fromSpecs(add) {
  for (const file of files(join(REFERENCE, 'specs/specification'), '.json')) {
    if (!file.includes('/resource-manager/')) continue;
    const spec = JSON.parse(readFileSync(file, 'utf8'));
    for (const [path, ops] of Object.entries(spec.paths ?? {})) {
      for (const method of Object.keys(ops)) add(typeOfPath(path, method), spec.info.version);
    }
  }
}

function fromSdks(add) {
  for (const pkg of SDKS) {
    const src = readFileSync(join(ROOT, 'node_modules', pkg, 'dist/index.js'), 'utf8');
    const versions = {};
    for (const m of src.matchAll(/const (apiVersion\w*) = \{\s*parameterPath: "apiVersion",\s*mapper: \{\s*defaultValue: "([^"]+)"/g)) {
      versions[m[1]] = m[2];
    }
    const starts = [...src.matchAll(/const \w+OperationSpec[\w$]* = \{\s*path: "([^"]+)",\s*httpMethod: "(\w+)"/g)];
    starts.forEach((m, i) => {
      if (!m[1].startsWith('/')) return; // "{nextLink}": the next page of a list, at the list's version
      const block = src.slice(m.index, starts[i + 1]?.index ?? src.length);
      const names =
        /queryParameters: \[([^\]]*)\]/
          .exec(block)?.[1]
          .split(',')
          .map((s) => s.trim()) ?? [];
      for (const name of names) if (versions[name]) add(typeOfPath(m[1], m[2]), versions[name]);
    });
  }
}

function fromRecordings(add) {
  const url = /https:\/\/management\.azure\.com(\/[^\s"'\\]+?)\?(?:[^\s"'\\]*&)?api-version=([0-9A-Za-z-]+)/g;
  const method = /(?:"RequestMethod"\s*:\s*"|method:\s*)(GET|PUT|POST|DELETE|PATCH)/g;
  for (const file of files(join(REFERENCE, 'recordings'), '')) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(url)) {
      method.lastIndex = 0;
      const before = [...text.slice(Math.max(0, m.index - 400), m.index + 400).matchAll(method)];
      add(typeOfPath(m[1], before[0]?.[1] ?? 'GET'), m[2]);
    }
  }
}

/** The table as it follows from the sources now: provider -> resource type -> sorted versions. */
export function computeTable() {
  const table = Object.fromEntries(PROVIDERS.map((p) => [p, {}]));
  const add = ({ namespace, type }, version) => {
    const provider = PROVIDERS.find((p) => p.toLowerCase() === namespace.toLowerCase());
    if (!provider || !type) return;
    const types = table[provider];
    const key = Object.keys(types).find((t) => t.toLowerCase() === type.toLowerCase()) ?? type;
    (types[key] ??= new Set()).add(version);
  };
  fromSpecs(add);
  fromSdks(add);
  fromRecordings(add);
  for (const [provider, types] of Object.entries(PUBLISHED)) {
    for (const [type, versions] of Object.entries(types)) for (const v of versions) add({ namespace: provider, type }, v);
  }
  for (const [provider, { of, versions }] of Object.entries(SUCCESSORS)) {
    for (const [type, known] of Object.entries(table[provider]))
      if (known.has(of)) for (const v of versions) add({ namespace: provider, type }, v);
  }
  for (const [provider, ops] of Object.entries(OPERATION_TYPES)) {
    for (const [type, origin] of Object.entries(ops)) for (const v of table[provider][origin] ?? []) add({ namespace: provider, type }, v);
  }
  const sorted = (o) =>
    Object.fromEntries(
      Object.keys(o)
        .sort((a, b) => a.localeCompare(b))
        .map((k) => [k, o[k]]),
    );
  return sorted(
    Object.fromEntries(
      Object.entries(table).map(([p, types]) => [
        p,
        sorted(Object.fromEntries(Object.entries(types).map(([t, set]) => [t, [...set].sort()]))),
      ]),
    ),
  );
}

/** The table as TypeScript; a version list several types share is written once, as a named constant. */
export function renderTable(table) {
  const lists = new Map();
  for (const types of Object.values(table)) {
    for (const versions of Object.values(types)) lists.set(versions.join(), (lists.get(versions.join()) ?? 0) + 1);
  }
  const shared = [...lists].filter(([, n]) => n > 1).map(([key]) => key);
  const listText = (versions, indent) => {
    const rows = [];
    for (let i = 0; i < versions.length; i += 6)
      rows.push(
        `${indent}  ${versions
          .slice(i, i + 6)
          .map((v) => `'${v}'`)
          .join(', ')},`,
      );
    return rows;
  };
  const lines = [
    '/**',
    ' * Generated by scripts/gen-arm-api-versions.mjs from the copied swaggers, the official SDK clients, the',
    ' * recorded traffic and the versions the providers publish. Do not edit by hand: run the script.',
    ' * Provider namespace -> resource type -> the api-versions ARM serves for it.',
    ' */',
    '',
  ];
  shared.forEach((key, i) => lines.push(`const V${i}: readonly string[] = [`, ...listText(key.split(','), ''), '];'));
  lines.push('', 'export const API_VERSIONS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {');
  for (const [provider, types] of Object.entries(table)) {
    lines.push(`  '${provider}': {`);
    for (const [type, versions] of Object.entries(types)) {
      const named = shared.indexOf(versions.join());
      if (named >= 0) lines.push(`    '${type}': V${named},`);
      else lines.push(`    '${type}': [`, ...listText(versions, '    '), '    ],');
    }
    lines.push('  },');
  }
  lines.push('};', '');
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const table = computeTable();
  if (process.argv.includes('--print')) process.stdout.write(`${JSON.stringify(table)}\n`);
  else {
    writeFileSync(OUT, renderTable(table));
    console.log(`wrote ${OUT}`);
  }
}
