import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import { defaultRunnerScript, PythonRunner, type RunnerReply } from '../../../emulator/src/livy/pythonProcess';

/** The Python statement runner on its own, through its JSON-lines protocol. */
describe('Livy emulator: Python statement runner', function () {
  this.timeout(20_000);
  let runner: PythonRunner;
  let nextId = 0;
  const logs: string[] = [];

  before(async () => {
    runner = await PythonRunner.start({
      python: process.env.LIVY_TEST_PYTHON ?? 'python3',
      script: defaultRunnerScript(),
      cwd: os.tmpdir(),
      env: {},
      onLog: (_stream, line) => logs.push(line),
      onExit: () => undefined,
    });
  });
  after(async () => {
    await runner.stop();
  });

  const run = (code: string, kind = 'pyspark'): Promise<RunnerReply> =>
    runner.execute({ id: nextId, code, kind, execution_count: nextId++ });

  it('evaluates like a REPL: statements run, the last expression is shown, None is silent', async () => {
    const reply = await run('a = 2\nb = 3\na * b');
    assert.deepEqual(reply, { id: nextId - 1, status: 'ok', execution_count: nextId - 1, data: { 'text/plain': '6' } });
    const silent = await run('x = None\nx');
    assert.equal(silent.status, 'ok');
    assert.deepEqual(silent.status === 'ok' && silent.data, { 'text/plain': '' });
  });

  it('keeps the protocol clean when user code writes to fd 1 or reads stdin', async () => {
    const reply = await run("import os\nos.write(1, b'raw fd write\\n')\nprint('printed')\ninput() if False else 'ok'");
    assert.equal(reply.status, 'ok');
    assert.deepEqual(reply.status === 'ok' && reply.data, { 'text/plain': "printed\n'ok'" });
    const eof = await run('input()');
    assert.equal(eof.status === 'error' && eof.ename, 'EOFError');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(logs.includes('raw fd write'), 'C-level writes land in the session log');
  });

  it('reports syntax errors, sys.exit and unknown magics as error outputs', async () => {
    const syntax = await run('def broken(:');
    assert.equal(syntax.status === 'error' && syntax.ename, 'SyntaxError');
    const exit = await run('import sys\nsys.exit(2)');
    assert.equal(exit.status === 'error' && exit.ename, 'SystemExit');
    const magic = await run('%nosuch thing');
    assert.equal(magic.status === 'error' && magic.ename, 'UnknownMagic');
    assert.equal((await run('1 + 1')).status, 'ok', 'still alive');
  });

  it('runs code and several magics in one cell; %table widens ints to doubles and rejects mixed types', async () => {
    const reply = await run("rows = [(1, 'a'), (2.5, 'b')]\n%table rows\n%json {'n': len(rows)}");
    assert.equal(reply.status, 'ok');
    const data = reply.status === 'ok' ? reply.data : {};
    assert.deepEqual(data['application/vnd.livy.table.v1+json'], {
      headers: [
        { name: '0', type: 'DOUBLE_TYPE' },
        { name: '1', type: 'STRING_TYPE' },
      ],
      data: [
        [1, 'a'],
        [2.5, 'b'],
      ],
    });
    assert.deepEqual(data['application/json'], { n: 2 });
    const mixed = await run("%table [{'v': 1}, {'v': 'x'}]");
    assert.equal(mixed.status === 'error' && mixed.evalue, 'table rows have different types');
  });

  it('answers %matplot with a PNG when matplotlib is there, else a clear ImportError', async () => {
    const reply = await run('try:\n    import matplotlib.pyplot as plt\nexcept ImportError:\n    plt = None\n%matplot plt');
    if (reply.status === 'ok') {
      assert.match(String(reply.data['image/png']), /^iVBOR/);
    } else {
      assert.equal(reply.status === 'error' && reply.ename, 'ImportError');
      assert.match(reply.status === 'error' ? reply.evalue : '', /matplotlib/);
    }
  });

  it('ignores an interrupt between statements and turns one during a statement into cancelled', async () => {
    runner.interrupt();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await run('1')).status, 'ok');
    const pending = run('while True:\n    pass');
    await new Promise((resolve) => setTimeout(resolve, 200));
    runner.interrupt();
    assert.equal((await pending).status, 'cancelled');
  });
});
