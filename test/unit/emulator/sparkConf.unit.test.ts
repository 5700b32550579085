/** How the emulator maps a Synapse application's request onto one local Spark JVM (pure functions). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  applicationConf,
  defaultFsUri,
  memoryMiB,
  metastoreDatabase,
  sparkDefaultsText,
  warehouseUri,
  writeConfDir,
  type ApplicationConfInput,
} from '../../../emulator/src/spark/conf';
import { resolveJobFile } from '../../../emulator/src/livy/fileMapping';
import type { LivyContext } from '../../../emulator/src/livy';

const base: ApplicationConfInput = {
  workspace: 'contoso-synapse',
  defaultStorage: { account: 'contosodatalake', filesystem: 'synapse' },
  accounts: ['ContosoDataLake', 'contosorawdata', 'contosodatalake'],
  lakeRoot: '/data/lake',
  metastorePort: 1527,
  jars: ['/jars/delta-core.jar', '/jars/derbyclient.jar'],
  maxCores: 2,
};

describe('Spark engine: application configuration', () => {
  it("makes the workspace's primary ADLS Gen2 file system the default file system, with its lake database and Delta", () => {
    const { conf } = applicationConf(base);
    assert.equal(conf['spark.hadoop.fs.defaultFS'], 'abfss://synapse@contosodatalake.dfs.core.windows.net/');
    assert.equal(conf['spark.hadoop.fs.abfss.impl'], 'synapse.emulator.EmulatedAbfsFileSystem');
    assert.equal(conf['spark.hadoop.fs.emulator.abfss.root'], '/data/lake');
    assert.equal(conf['spark.hadoop.fs.emulator.abfss.accounts'], 'contosodatalake,contosorawdata');
    assert.equal(
      conf['spark.sql.warehouse.dir'],
      'abfss://synapse@contosodatalake.dfs.core.windows.net/synapse/workspaces/contoso-synapse/warehouse',
    );
    assert.equal(conf['spark.hadoop.javax.jdo.option.ConnectionURL'], 'jdbc:derby://127.0.0.1:1527/metastore_contoso_synapse;create=true');
    assert.equal(conf['spark.sql.catalogImplementation'], 'hive');
    assert.equal(conf['spark.sql.extensions'], 'io.delta.sql.DeltaSparkSessionExtension');
    assert.equal(conf['spark.jars'], '/jars/delta-core.jar,/jars/derbyclient.jar');
    assert.equal(conf['spark.driver.extraClassPath'], `/jars/delta-core.jar${path.delimiter}/jars/derbyclient.jar`);
    assert.equal(conf['spark.driver.host'], '127.0.0.1');
  });

  it('gives one database per workspace and names locations as Synapse does', () => {
    assert.equal(metastoreDatabase('Contoso-Synapse.Dev'), 'metastore_contoso_synapse_dev');
    assert.notEqual(metastoreDatabase('a-b'), metastoreDatabase('a-c'));
    assert.equal(defaultFsUri({ account: 'acct', filesystem: 'fs' }), 'abfss://fs@acct.dfs.core.windows.net/');
    assert.equal(
      warehouseUri('w', { account: 'acct', filesystem: 'fs' }),
      'abfss://fs@acct.dfs.core.windows.net/synapse/workspaces/w/warehouse',
    );
  });

  it("keeps driver memory within the machine's bounds and says when it differs from the ask", () => {
    const pool = applicationConf({ ...base, request: { driverMemory: '28g' } });
    assert.equal(pool.conf['spark.driver.memory'], '2048m');
    assert.match(pool.notes.join('\n'), /driver memory 28g asked, 2048m given/);
    const small = applicationConf({ ...base, request: { driverMemory: '1536m' } });
    assert.equal(small.conf['spark.driver.memory'], '1536m');
    assert.deepEqual(small.notes, []);
    assert.equal(applicationConf({ ...base, userConf: { 'spark.driver.memory': '100m' } }).conf['spark.driver.memory'], '512m');
    assert.equal(applicationConf(base).conf['spark.driver.memory'], '1024m');
  });

  it("turns executors x cores into local-mode threads, at most the machine's cores", () => {
    assert.equal(applicationConf({ ...base, request: { numExecutors: 1, executorCores: 1 } }).conf['spark.master'], 'local[1]');
    const big = applicationConf({ ...base, request: { numExecutors: 2, executorCores: 4 } });
    assert.equal(big.conf['spark.master'], 'local[2]');
    assert.match(big.notes.join('\n'), /2 executors x 4 cores asked, local\[2\] given/);
    assert.equal(
      applicationConf({ ...base, userConf: { 'spark.executor.instances': '1', 'spark.executor.cores': '1' } }).conf['spark.master'],
      'local[1]',
    );
  });

  it("passes the user's conf through, except the keys the emulator owns", () => {
    const { conf, notes } = applicationConf({
      ...base,
      userConf: {
        'spark.sql.shuffle.partitions': '3',
        'spark.hadoop.fs.defaultFS': 'file:///',
        'spark.master': 'yarn',
        'spark.custom.flag': 'x y',
      },
    });
    assert.equal(conf['spark.sql.shuffle.partitions'], '3');
    assert.equal(conf['spark.custom.flag'], 'x y');
    assert.equal(conf['spark.hadoop.fs.defaultFS'], 'abfss://synapse@contosodatalake.dfs.core.windows.net/');
    assert.equal(conf['spark.master'], 'local[2]');
    assert.match(notes.join('\n'), /spark\.hadoop\.fs\.defaultFS is set by the emulator; 'file:\/\/\/' was ignored/);
    assert.match(notes.join('\n'), /spark\.master is set by the emulator; 'yarn' was ignored/);
  });

  it('reads Spark and Livy memory sizes', () => {
    assert.equal(memoryMiB('28g'), 28 * 1024);
    assert.equal(memoryMiB('512m'), 512);
    assert.equal(memoryMiB('2048'), 2048);
    assert.equal(memoryMiB('1024k'), 1);
    assert.equal(memoryMiB('1.5g'), 1536);
    assert.equal(memoryMiB('lots'), undefined);
    assert.equal(memoryMiB(undefined), undefined);
  });

  it('writes spark-defaults.conf with one sorted line per key and no line breaks in values, beside log4j2.properties', () => {
    assert.equal(sparkDefaultsText({ 'spark.b': '2', 'spark.a': 'one\ntwo' }), 'spark.a one two\nspark.b 2\n');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spark-conf-'));
    try {
      writeConfDir(path.join(dir, 'conf'), applicationConf(base).conf);
      const text = fs.readFileSync(path.join(dir, 'conf', 'spark-defaults.conf'), 'utf8');
      assert.match(text, /^spark\.hadoop\.fs\.defaultFS abfss:\/\/synapse@contosodatalake\.dfs\.core\.windows\.net\/$/m);
      assert.match(fs.readFileSync(path.join(dir, 'conf', 'log4j2.properties'), 'utf8'), /rootLogger\.level = warn/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Livy batch files on the emulated lake', () => {
  it('resolves abfss URIs into the lake folder and never outside it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lake-map-'));
    try {
      const lakeRoot = path.join(dir, 'lake');
      fs.mkdirSync(path.join(lakeRoot, 'contosodatalake', 'synapse', 'jobs'), { recursive: true });
      fs.writeFileSync(path.join(lakeRoot, 'contosodatalake', 'synapse', 'jobs', 'main.py'), 'print(1)');
      const ctx = { dataDir: path.join(dir, 'livy'), lakeRoot } as LivyContext;
      assert.equal(
        await resolveJobFile('abfss://synapse@ContosoDataLake.dfs.core.windows.net/jobs/main.py', ctx),
        path.join(lakeRoot, 'contosodatalake', 'synapse', 'jobs', 'main.py'),
      );
      await assert.rejects(
        resolveJobFile('abfss://synapse@contosodatalake.dfs.core.windows.net/../../etc/passwd', ctx),
        /cannot map|not found/,
      );
      await assert.rejects(resolveJobFile('abfss://synapse@contosodatalake.dfs.core.windows.net/jobs/missing.py', ctx), /was not found/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
