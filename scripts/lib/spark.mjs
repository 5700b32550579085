// Installs the emulator's Spark engine into .spark-env/ (project-local, git-ignored): a Python virtual
// environment with the pinned PySpark 3.4 stack of a Synapse 3.4 pool (emulator/spark/requirements.txt),
// the jars that PySpark's wheel lacks (Delta Lake, Derby's network server and client) from Maven Central,
// and the emulator's abfss file system compiled against that Spark. The result is described in
// .spark-env/env.json, which the emulator reads. A second run with the same inputs does nothing.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, log, fail } from './util.mjs';

export const sparkEnvDir = process.env.SYNAPSE_SPARK_ENV || path.join(repoRoot, '.spark-env');
const specDir = path.join(repoRoot, 'emulator', 'spark');
const requirementsFile = path.join(specDir, 'requirements.txt');
const jarsFile = path.join(specDir, 'jars.txt');
const fsSource = path.join(specDir, 'java', 'EmulatedAbfsFileSystem.java');
const envFile = path.join(sparkEnvDir, 'env.json');
const venvDir = path.join(sparkEnvDir, 'venv');
const venvPython = path.join(venvDir, 'bin', 'python');
const jarsDir = path.join(sparkEnvDir, 'jars');
/** Room the install needs: PySpark alone unpacks to about 320 MB; with pandas, scikit-learn and scipy about 1 GB. */
const NEEDED_BYTES = 1.5 * 1024 ** 3;

/** The installed environment (env.json), or undefined when it is missing or stale. */
export function installedSparkEnv() {
  try {
    const env = JSON.parse(fs.readFileSync(envFile, 'utf8'));
    return env.inputsHash === inputsHash() && fs.existsSync(env.python) ? env : undefined;
  } catch {
    return undefined;
  }
}

function inputsHash() {
  const hash = crypto.createHash('sha256');
  for (const file of [requirementsFile, jarsFile, fsSource]) hash.update(fs.readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/** Installs what is missing; returns the env.json contents. Throws ScriptError with one clear sentence. */
export function ensureSparkEnv() {
  const ready = installedSparkEnv();
  if (ready) return ready;
  log(`Installing the emulator's Spark engine into ${path.relative(repoRoot, sparkEnvDir) || sparkEnvDir} (once; a few minutes)`);
  const java = checkJava();
  checkDisk();
  fs.mkdirSync(sparkEnvDir, { recursive: true });

  log('Spark engine 1/4: Python virtual environment');
  if (!fs.existsSync(venvPython)) {
    const python = process.env.PYTHON || 'python3';
    const res = spawnSync(python, ['-m', 'venv', venvDir], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
    if (res.error || res.status !== 0) {
      fs.rmSync(venvDir, { recursive: true, force: true });
      fail(
        `Could not create a Python virtual environment with ${python} (${(res.stderr || res.error?.message || '').trim().split('\n').pop()}): ` +
          'install Python 3.9-3.11 with its venv module (Debian: apt-get install -y python3-venv), or set PYTHON to one.',
      );
    }
  }

  log('Spark engine 2/4: PySpark, Delta Lake and the notebook libraries of a Synapse 3.4 pool (pip)');
  const pip = spawnSync(
    venvPython,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', '-r', requirementsFile],
    { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' },
  );
  if (pip.status !== 0) {
    const last = (pip.stderr || '')
      .trim()
      .split('\n')
      .filter((l) => /error|could not|no matching/i.test(l))
      .slice(-2)
      .join(' ');
    fail(
      `pip could not install the Spark engine's packages (${last || `exit ${pip.status}`}): check that PyPI is reachable and ` +
        `there is disk space, then run the command again (${path.relative(repoRoot, requirementsFile)}).`,
    );
  }

  log('Spark engine 3/4: Delta Lake and Derby jars (Maven Central)');
  fs.mkdirSync(jarsDir, { recursive: true });
  const jars = [];
  for (const coordinate of readList(jarsFile)) {
    const [group, artifact, version] = coordinate.split(':');
    const file = path.join(jarsDir, `${artifact}-${version}.jar`);
    if (!fs.existsSync(file)) {
      const res = spawnSync(
        'mvn',
        ['-q', '-B', 'dependency:copy', `-Dartifact=${group}:${artifact}:${version}`, `-DoutputDirectory=${jarsDir}`],
        { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
      );
      if (res.error)
        fail(`Maven is needed to fetch ${coordinate} from Maven Central and was not found: install it (Debian: apt-get install -y maven).`);
      if (res.status !== 0 || !fs.existsSync(file)) {
        const reason = `${res.stdout}\n${res.stderr}`
          .split('\n')
          .find((l) => /ERROR/.test(l))
          ?.replace(/\x1b\[[0-9;]*m/g, '')
          .trim();
        fail(
          `Could not download ${coordinate} from Maven Central (${reason ?? `exit ${res.status}`}): check the network and run the command again.`,
        );
      }
    }
    jars.push(file);
  }

  log("Spark engine 4/4: the emulator's abfss file system");
  const sparkHome = pysparkHome();
  const fsJar = compileFileSystem(java, sparkHome);

  const sparkVersion = spawnSync(venvPython, ['-c', 'import pyspark; print(pyspark.__version__)'], { encoding: 'utf8' }).stdout.trim();
  const env = {
    inputsHash: inputsHash(),
    python: venvPython,
    sparkHome,
    sparkSubmit: path.join(sparkHome, 'bin', 'spark-submit'),
    sparkVersion,
    javaHome: java.home,
    javaVersion: java.version,
    jars: [...jars, fsJar],
    installedAt: new Date().toISOString(),
  };
  fs.writeFileSync(envFile, `${JSON.stringify(env, null, 2)}\n`);
  log(`Spark engine ready: Apache Spark ${sparkVersion} on Java ${java.version}`);
  return env;
}

function readList(file) {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

function checkJava() {
  const home = process.env.JAVA_HOME;
  const javaBin = home ? path.join(home, 'bin', 'java') : 'java';
  const res = spawnSync(javaBin, ['-XshowSettings:properties', '-version'], { encoding: 'utf8' });
  if (res.error || res.status !== 0) {
    fail(
      'Java was not found: Spark needs a Java 11 or 17 JDK. Install one (Debian: apt-get install -y openjdk-17-jdk-headless) or set JAVA_HOME.',
    );
  }
  const version = /java\.specification\.version = (\S+)/.exec(res.stderr)?.[1] ?? '';
  const javaHome = /java\.home = (.+)/.exec(res.stderr)?.[1]?.trim() ?? home ?? '';
  if (!['11', '17'].includes(version)) {
    fail(
      `Java ${version || '(unknown version)'} was found, but Spark 3.4 runs on Java 11 or 17: install one (Debian: apt-get install -y openjdk-17-jdk-headless) and set JAVA_HOME to it.`,
    );
  }
  const javac = path.join(javaHome, 'bin', 'javac');
  if (!fs.existsSync(javac)) {
    fail(
      `The Java at ${javaHome} is a runtime without a compiler: the emulator builds a small file system class for Spark. Install the JDK (Debian: apt-get install -y openjdk-17-jdk-headless).`,
    );
  }
  return { home: javaHome, version, javac, jar: path.join(javaHome, 'bin', 'jar') };
}

function checkDisk() {
  let stats;
  try {
    stats = fs.statfsSync(fs.existsSync(sparkEnvDir) ? sparkEnvDir : path.dirname(sparkEnvDir));
  } catch {
    return; // cannot tell: let the install try
  }
  const free = stats.bavail * stats.bsize;
  if (free < NEEDED_BYTES && !fs.existsSync(venvPython)) {
    fail(
      `Only ${(free / 1024 ** 3).toFixed(1)} GB are free where the Spark engine goes (${sparkEnvDir}); it needs about 1.5 GB. Free some space, or set SYNAPSE_SPARK_ENV to a folder on a larger disk.`,
    );
  }
}

function pysparkHome() {
  const res = spawnSync(venvPython, ['-c', 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'], { encoding: 'utf8' });
  if (res.status !== 0) fail(`PySpark did not import in ${venvDir}: delete that folder and run the command again.`);
  return res.stdout.trim();
}

function compileFileSystem(java, sparkHome) {
  const out = path.join(jarsDir, 'synapse-emulator-abfs.jar');
  const classes = path.join(sparkEnvDir, 'build', 'classes');
  fs.rmSync(classes, { recursive: true, force: true });
  fs.mkdirSync(classes, { recursive: true });
  const javac = spawnSync(java.javac, ['-nowarn', '--release', '11', '-cp', path.join(sparkHome, 'jars', '*'), '-d', classes, fsSource], {
    encoding: 'utf8',
  });
  if (javac.status !== 0) fail(`Could not compile ${path.relative(repoRoot, fsSource)}:\n${javac.stderr}`);
  const jar = spawnSync(java.jar, ['cf', out, '-C', classes, '.'], { encoding: 'utf8' });
  if (jar.status !== 0) fail(`Could not package the abfss file system: ${jar.stderr}`);
  return out;
}
