"""Statement runner behind one emulated Livy session (one process per session).

Protocol (JSON lines, like Livy's own fake_shell but simpler):
  request  on stdin : {"id": N, "code": "...", "kind": "pyspark"|"python"|"sql", "execution_count": K}
                      {"type": "shutdown"}
  reply    on stdout: {"id": N, "status": "ok", "execution_count": K, "data": {mime: value}}
                      {"id": N, "status": "error", "execution_count": K, "ename", "evalue", "traceback": [...]}
                      {"id": N, "status": "cancelled", "execution_count": K}
  first line        : {"type": "ready", "python": "3.x.y", "pyspark": bool}

The protocol streams are private duplicates of fd 0 and fd 1; fd 0 then reads /dev/null and fd 1 points to
stderr, so user prints (Python or C level) never corrupt the protocol: they are captured per statement, and
anything written outside a statement ends up in the session log (stderr).

SIGINT interrupts the running statement (reported as "cancelled"); outside a statement it is ignored so the
session stays usable. Heavy modules (pyspark, matplotlib) are imported only when a statement needs them.
"""
import ast
import base64
import builtins
import contextlib
import importlib.util
import io
import json
import os
import re
import signal
import sys
import threading
import traceback

SPARK_NAMES = ("spark", "sc", "sqlContext")
TABLE_MIME = "application/vnd.livy.table.v1+json"
MAX_TABLE_ROWS = 1000
RUNNER_FILE = os.path.abspath(__file__)


class UserFacingError(Exception):
    """An error about how the statement used the runner (magics, missing modules); no traceback."""

    def __init__(self, ename, evalue):
        super().__init__(evalue)
        self.ename = ename
        self.evalue = evalue


def has_module(name):
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


class Runner:
    def __init__(self):
        self.namespace = {"__name__": "__main__", "__builtins__": builtins}
        self.executing = False
        self.next_count = 0
        self.pyspark_available = has_module("pyspark")

    # ---- statement execution -------------------------------------------------------------------

    def execute(self, request):
        count = request.get("execution_count", self.next_count)
        self.next_count = count + 1
        code = request.get("code")
        if not isinstance(code, str):
            return {"status": "error", "execution_count": count, "ename": "InternalError",
                    "evalue": "request has no code", "traceback": []}
        kind = request.get("kind") or "pyspark"
        captured = io.StringIO()
        data = {}
        try:
            self.executing = True
            try:
                with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
                    if kind == "sql":
                        self.run_sql(code, data)
                    else:
                        self.run_cell(code, data)
            finally:
                self.executing = False
        except KeyboardInterrupt:
            return {"status": "cancelled", "execution_count": count}
        except UserFacingError as err:
            return {"status": "error", "execution_count": count, "ename": err.ename,
                    "evalue": err.evalue, "traceback": []}
        except BaseException as err:  # user code: SystemExit too must not end the session
            return self.error_reply(err, count)
        text = captured.getvalue().rstrip()
        if text or not data:
            data["text/plain"] = text
        return {"status": "ok", "execution_count": count, "data": data}

    def run_cell(self, code, data):
        try:
            ast.parse(code, "<stdin>", "exec")
            segments = [("code", code)]
        except SyntaxError:
            segments = split_magics(code)  # a '%' line is never valid Python, as in Livy's fake_shell
        for segment in segments:
            if segment[0] == "code":
                self.run_code(segment[1], data)
            else:
                self.run_magic(segment[1], segment[2], data)

    def run_code(self, source, data):
        tree = ast.parse(source, "<stdin>", "exec")
        self.ensure_spark_if_used(tree)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        exec(compile(tree, "<stdin>", "exec"), self.namespace)
        if last is None:
            return
        value = eval(compile(last, "<stdin>", "eval"), self.namespace)
        if value is None:
            return
        self.namespace["_"] = value
        html = rich_html(value)
        if html:
            data["text/html"] = html
        sys.stdout.write(repr(value) + "\n")

    def evaluate(self, expression):
        if not expression.strip():
            raise UserFacingError("SyntaxError", "the magic needs an expression")
        self.ensure_spark_if_used(ast.parse(expression, "<stdin>", "eval"))
        return eval(compile(expression, "<stdin>", "eval"), self.namespace)

    def run_magic(self, name, argument, data):
        if name == "table":
            data[TABLE_MIME] = to_table(self.evaluate(argument))
        elif name == "json":
            value = self.evaluate(argument)
            try:
                json.dumps(value)
            except (TypeError, ValueError) as err:
                raise UserFacingError("TypeError", "%%json value is not JSON serialisable: %s" % err)
            data["application/json"] = value
        elif name == "matplot":
            if not has_module("matplotlib"):
                raise UserFacingError(
                    "ImportError", "%%matplot needs matplotlib, which is not installed for the emulator's "
                    "Python (%s)" % sys.executable)
            data["image/png"] = figure_png(self.evaluate(argument))
        else:
            raise UserFacingError("UnknownMagic", "unknown magic command '%%%s'" % name)

    def run_sql(self, code, data):
        if not self.pyspark_available:
            raise UserFacingError(
                "SparkNotAvailable", "SQL statements need pyspark, which is not installed for the emulator's "
                "Python (%s). Install pyspark there to run SQL locally." % sys.executable)
        self.ensure_spark()
        data[TABLE_MIME] = to_table(self.namespace["spark"].sql(code))

    # ---- spark -------------------------------------------------------------------------------

    def ensure_spark_if_used(self, tree):
        if not self.pyspark_available or "spark" in self.namespace:
            return
        if any(isinstance(node, ast.Name) and node.id in SPARK_NAMES for node in ast.walk(tree)):
            self.ensure_spark()

    def ensure_spark(self):
        if "spark" in self.namespace:
            return
        from pyspark.sql import SparkSession  # heavy: imported on first use only

        builder = SparkSession.builder.master(os.environ.get("LIVY_EMU_SPARK_MASTER", "local[*]"))
        builder = builder.appName(os.environ.get("LIVY_EMU_APP_NAME", "livy-emulator-session"))
        for key, value in session_conf().items():
            if key.startswith("spark."):
                builder = builder.config(key, str(value))
        spark = builder.getOrCreate()
        self.namespace.update({"spark": spark, "sc": spark.sparkContext, "sqlContext": spark})
        install_sigint_handler(self)  # SparkContext installs its own handler; ours must stay in charge

    def cancel_spark_jobs(self):
        context = self.namespace.get("sc")
        if context is not None:
            threading.Thread(target=context.cancelAllJobs, daemon=True).start()

    # ---- errors --------------------------------------------------------------------------------

    def error_reply(self, err, count):
        ename = type(err).__name__
        evalue = str(err)
        if isinstance(err, SyntaxError):
            lines = traceback.format_exception_only(type(err), err)
        else:
            lines = traceback.format_exception(type(err), err, user_frames(err.__traceback__))
        name = getattr(err, "name", None)
        if isinstance(err, NameError) and name in SPARK_NAMES and not self.pyspark_available:
            evalue = ("name '%s' is not defined: pyspark is not installed for the emulator's Python (%s); "
                      "install it there to get a local SparkSession" % (name, sys.executable))
            lines = lines[:-1] + ["%s: %s\n" % (ename, evalue)]
        return {"status": "error", "execution_count": count, "ename": ename, "evalue": evalue,
                "traceback": lines}


def user_frames(tb):
    """Drop the runner's own frames so the traceback starts in the user's code."""
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) == RUNNER_FILE:
        tb = tb.tb_next
    return tb


MAGIC_LINE = re.compile(r"^%(\w+)\s*(.*)$")


def split_magics(code):
    segments, pending = [], []
    for line in code.split("\n"):
        match = MAGIC_LINE.match(line)
        if match is None:
            pending.append(line)
            continue
        if "".join(pending).strip():
            segments.append(("code", "\n".join(pending)))
        pending = []
        segments.append(("magic", match.group(1), match.group(2)))
    if "".join(pending).strip():
        segments.append(("code", "\n".join(pending)))
    return segments


def session_conf():
    try:
        conf = json.loads(os.environ.get("LIVY_EMU_SESSION_CONF", "{}"))
        return conf if isinstance(conf, dict) else {}
    except ValueError:
        return {}


def rich_html(value):
    method = getattr(value, "_repr_html_", None)
    if not callable(method) or isinstance(value, type):
        return None
    try:
        html = method()
    except Exception:  # a broken _repr_html_ must not fail the statement; repr still shows
        return None
    return html if isinstance(html, str) and html else None


# ---- %table ------------------------------------------------------------------------------------

NUMERIC_WIDENING = {("INT_TYPE", "BIGINT_TYPE"): "BIGINT_TYPE", ("INT_TYPE", "DOUBLE_TYPE"): "DOUBLE_TYPE",
                    ("BIGINT_TYPE", "DOUBLE_TYPE"): "DOUBLE_TYPE"}


def cell_type_and_value(value):
    import datetime
    import decimal

    if hasattr(value, "item") and callable(value.item) and not isinstance(value, (list, dict, str)):
        try:
            value = value.item()  # numpy scalar
        except Exception:
            pass
    if value is None:
        return "NULL_TYPE", None
    if isinstance(value, bool):
        return "BOOLEAN_TYPE", value
    if isinstance(value, int):
        return ("INT_TYPE" if -2 ** 31 <= value < 2 ** 31 else "BIGINT_TYPE"), value
    if isinstance(value, float):
        return "DOUBLE_TYPE", value
    if isinstance(value, decimal.Decimal):
        return "DECIMAL_TYPE", str(value)
    if isinstance(value, str):
        return "STRING_TYPE", value
    if isinstance(value, datetime.datetime):
        return "TIMESTAMP_TYPE", value.isoformat()
    if isinstance(value, datetime.date):
        return "DATE_TYPE", value.isoformat()
    if isinstance(value, (list, tuple)):
        return "ARRAY_TYPE", [cell_type_and_value(item)[1] for item in value]
    if isinstance(value, dict):
        return "MAP_TYPE", {str(k): cell_type_and_value(v)[1] for k, v in value.items()}
    return "STRING_TYPE", str(value)


def merge_type(current, new):
    if current == new or new == "NULL_TYPE":
        return current
    if current == "NULL_TYPE":
        return new
    widened = NUMERIC_WIDENING.get((current, new)) or NUMERIC_WIDENING.get((new, current))
    if widened:
        return widened
    raise UserFacingError("ValueError", "table rows have different types")


def to_table(value):
    names, rows = table_rows(value)
    types = ["NULL_TYPE"] * len(names)
    data = []
    for row in rows:
        out = []
        for index, cell in enumerate(row):
            kind, converted = cell_type_and_value(cell)
            types[index] = merge_type(types[index], kind)
            out.append(converted)
        data.append(out)
    return {"headers": [{"name": n, "type": t} for n, t in zip(names, types)], "data": data}


def table_rows(value):
    """(column names, rows) from a Spark or pandas DataFrame, a list of dicts or a list of rows."""
    if hasattr(value, "schema") and hasattr(value, "collect") and hasattr(value, "limit"):
        names = [field.name for field in value.schema.fields]
        return names, [list(row) for row in value.limit(MAX_TABLE_ROWS).collect()]
    if hasattr(value, "columns") and hasattr(value, "itertuples"):
        names = [str(c) for c in value.columns]
        return names, [list(row) for row in value.head(MAX_TABLE_ROWS).itertuples(index=False, name=None)]
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise UserFacingError("TypeError", "%%table needs a DataFrame, a list of dicts or a list of rows, "
                              "not %s" % type(value).__name__)
    rows = list(value)[:MAX_TABLE_ROWS]
    if rows and all(isinstance(row, dict) for row in rows):
        names = []
        for row in rows:
            names.extend(str(k) for k in row if str(k) not in names)
        keyed = [{str(k): v for k, v in row.items()} for row in rows]
        return names, [[row.get(n) for n in names] for row in keyed]
    if not all(isinstance(row, (list, tuple)) for row in rows):
        raise UserFacingError("TypeError", "%table rows must all be dicts or all be lists/tuples")
    width = max((len(row) for row in rows), default=0)
    fields = getattr(rows[0], "_fields", None) if rows else None
    names = list(fields) if fields and len(fields) == width else [str(i) for i in range(width)]
    return names, [list(row) + [None] * (width - len(row)) for row in rows]


# ---- %matplot ----------------------------------------------------------------------------------

def figure_png(value):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if value is plt:
        figure = plt.gcf()
    elif hasattr(value, "savefig"):
        figure = value
    elif hasattr(value, "figure"):
        figure = value.figure
    else:
        raise UserFacingError("TypeError", "%matplot needs pyplot, a Figure or an Axes")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


# ---- process plumbing --------------------------------------------------------------------------

def install_sigint_handler(runner):
    def on_sigint(_signum, _frame):
        if runner.executing:  # outside a statement a late interrupt must not kill the loop
            runner.cancel_spark_jobs()
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_sigint)


def private_protocol_streams():
    protocol_in = os.fdopen(os.dup(0), "r", encoding="utf-8")
    protocol_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null_fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null_fd, 0)
    os.close(null_fd)
    os.dup2(2, 1)
    sys.stdin = open(os.devnull, "r")
    return protocol_in, protocol_out


def main():
    protocol_in, protocol_out = private_protocol_streams()
    runner = Runner()
    install_sigint_handler(runner)

    def send(message):
        protocol_out.write(json.dumps(message, default=repr) + "\n")
        protocol_out.flush()

    send({"type": "ready", "python": sys.version.split()[0], "pyspark": runner.pyspark_available})
    for line in protocol_in:
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
        except ValueError:
            sys.stderr.write("livy_runner: ignoring a malformed request line\n")
            continue
        if request.get("type") == "shutdown":
            break
        reply = runner.execute(request)
        reply["id"] = request.get("id")
        send(reply)


if __name__ == "__main__":
    main()
