"""Statement runner behind one emulated Livy session (one process per session).

Protocol (JSON lines, like Livy's own fake_shell but simpler):
  request  on stdin : {"id": N, "code": "...", "kind": "pyspark"|"python"|"sql", "execution_count": K}
                      {"type": "shutdown"}
  reply    on stdout: {"id": N, "status": "ok", "execution_count": K, "data": {mime: value}}
                      {"id": N, "status": "error", "execution_count": K, "ename", "evalue", "traceback": [...]}
                      {"id": N, "status": "cancelled", "execution_count": K}
  first line        : {"type": "ready", "python": "3.x.y", "pyspark": bool}
  when Spark starts : {"type": "spark", "appId": "local-...", "uiUrl": "http://127.0.0.1:port", "version": "3.4.x"}

The protocol streams are private duplicates of fd 0 and fd 1; fd 0 then reads /dev/null and fd 1 points to
stderr, so user prints (Python or C level) never corrupt the protocol: they are captured per statement, and
anything written outside a statement ends up in the session log (stderr).

Spark is real: the session's SparkSession is built from the spark-defaults.conf the emulator wrote for it
(SPARK_CONF_DIR), at the first statement that uses Spark. Each statement runs in its own Spark job group named
by its statement id, as Livy does. SIGINT cancels the running statement as Livy does: the job group is
cancelled and the statement ends when its code returns; code that is not waiting on Spark, or that does not
return within the job-cancel timeout, is interrupted (KeyboardInterrupt). Outside a statement SIGINT is
ignored so the session stays usable. Heavy modules (pyspark, matplotlib) are imported only when needed.
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
import time
import traceback

SPARK_NAMES = ("spark", "sc", "sqlContext")
TABLE_MIME = "application/vnd.livy.table.v1+json"
MAX_TABLE_ROWS = 1000
RUNNER_FILE = os.path.abspath(__file__)
# Livy's livy.rsc.job-cancel.timeout, shortened: how long a cancelled statement waiting on Spark may take to
# return before it is interrupted.
JOB_CANCEL_TIMEOUT_S = 5.0
INTERNAL_PACKAGES = (os.sep + "pyspark" + os.sep, os.sep + "py4j" + os.sep)


class NotebookExit(Exception):
    """mssparkutils.notebook.exit(value): the statement ends normally with the value as its output."""

    def __init__(self, value):
        super().__init__(value)
        self.value = value


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
    def __init__(self, send=lambda message: None):
        self.send = send
        self.namespace = {"__name__": "__main__", "__builtins__": builtins}
        self.executing = False
        self.next_count = 0
        self.pyspark_available = has_module("pyspark")
        self.statement_id = None
        self.data = None
        self.cancel_requested_at = None
        self.interrupted_jvm_call = False
        self.spark_reported = False
        conf = session_conf()
        self.sql_row_limit = positive_int(conf.get("livy.rsc.sql.num-rows"), MAX_TABLE_ROWS)
        self.job_cancel_timeout = positive_float(conf.get("livy.rsc.job-cancel.timeout"), JOB_CANCEL_TIMEOUT_S)
        self.namespace["display"] = self.display
        install_notebookutils(self)
        if "mssparkutils" in sys.modules:
            self.namespace["mssparkutils"] = sys.modules["mssparkutils"]

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
        self.statement_id = request.get("id")
        self.data = data
        self.cancel_requested_at = None
        try:
            self.executing = True
            try:
                with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
                    self.enter_job_group()
                    if kind == "sql":
                        self.run_sql(code, data)
                    else:
                        self.run_cell(code, data)
                        capture_figures(data)
            finally:
                self.executing = False
                self.after_statement()
        except KeyboardInterrupt:
            return {"status": "cancelled", "execution_count": count}
        except NotebookExit as done:
            text = captured.getvalue().rstrip()
            value = "" if done.value is None else str(done.value)
            data["text/plain"] = (text + "\n" if text else "") + "Notebook exited with value: " + value
            return {"status": "ok", "execution_count": count, "data": data}
        except UserFacingError as err:
            return {"status": "error", "execution_count": count, "ename": err.ename,
                    "evalue": err.evalue, "traceback": []}
        except BaseException as err:  # user code: SystemExit too must not end the session
            if self.cancel_requested_at is not None:
                return {"status": "cancelled", "execution_count": count}  # Spark's answer to the cancelled job group
            return self.error_reply(err, count)
        text = captured.getvalue().rstrip()
        if text or not data:
            data["text/plain"] = text
        return {"status": "ok", "execution_count": count, "data": data}

    def display(self, value=None, *args, **kwargs):
        """Synapse's display(): a DataFrame (Spark or pandas) or rows become the statement's table output."""
        if self.data is None:
            raise UserFacingError("RuntimeError", "display() works inside a statement only")
        try:
            self.data[TABLE_MIME] = to_table(value)
        except UserFacingError:
            html = rich_html(value)
            if html:
                self.data["text/html"] = html
            else:
                print(repr(value))

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
        """Livy's SQL interpreter: application/json with the result's schema and its first rows."""
        if not self.pyspark_available:
            raise UserFacingError("SparkNotAvailable", no_spark_message("SQL statements"))
        self.ensure_spark()
        try:
            frame = self.namespace["spark"].sql(code)
            rows = frame.take(self.sql_row_limit)
        except Exception as err:
            if self.cancel_requested_at is not None:
                raise
            raise UserFacingError(type(err).__name__, trim_jvm_message(str(err)))
        data["application/json"] = {
            "schema": json.loads(frame.schema.json()),
            "data": [[json_value(cell) for cell in row] for row in rows],
        }

    # ---- spark -------------------------------------------------------------------------------

    def ensure_spark_if_used(self, tree):
        if not self.pyspark_available or "spark" in self.namespace:
            return
        if any(isinstance(node, ast.Name) and node.id in SPARK_NAMES for node in ast.walk(tree)):
            self.ensure_spark()

    def ensure_spark(self):
        """Starts the session's Spark application (once): spark, sc and sqlContext, from spark-defaults.conf."""
        if "spark" in self.namespace:
            return self.namespace["spark"]
        if not self.pyspark_available:
            raise UserFacingError("SparkNotAvailable", no_spark_message("Spark"))
        from pyspark.sql import SparkSession  # heavy: imported on first use only

        started = time.monotonic()
        sys.__stderr__.write("livy_runner: starting the Spark application\n")
        builder = SparkSession.builder.appName(os.environ.get("LIVY_EMU_APP_NAME", "livy-session"))
        if not os.environ.get("SPARK_CONF_DIR"):
            builder = builder.master(os.environ.get("LIVY_EMU_SPARK_MASTER", "local[*]"))
        for key, value in session_conf().items():
            if key.startswith("spark."):
                builder = builder.config(key, str(value))
        spark = builder.getOrCreate()  # the lake database (Hive catalog) comes from spark-defaults.conf
        self.adopt_spark(spark)
        sys.__stderr__.write("livy_runner: Spark started in %.1f s\n" % (time.monotonic() - started))
        return spark

    def adopt_spark(self, spark):
        """Makes a SparkSession the session's own: globals, signal handling, job group, the start report."""
        from pyspark.sql import SQLContext

        self.namespace.setdefault("spark", spark)
        self.namespace.setdefault("sc", spark.sparkContext)
        self.namespace.setdefault("sqlContext", SQLContext(spark.sparkContext, spark))
        install_sigint_handler(self)  # SparkContext installs its own handler; ours must stay in charge
        self.enter_job_group()
        if not self.spark_reported:
            self.spark_reported = True
            context = spark.sparkContext
            self.send({"type": "spark", "appId": context.applicationId, "uiUrl": context.uiWebUrl,
                       "version": spark.version})

    def active_context(self):
        if not self.pyspark_available or "pyspark" not in sys.modules:
            return None
        from pyspark import SparkContext

        return SparkContext._active_spark_context

    def enter_job_group(self):
        """Livy runs each statement in a job group named by its statement id."""
        context = self.active_context()
        if context is None or self.statement_id is None:
            return
        context.setJobGroup(str(self.statement_id), "Livy statement %s" % self.statement_id, True)

    def after_statement(self):
        """A script may build its own SparkSession: adopt it so later statements and cancels know it."""
        self.data = None
        if self.interrupted_jvm_call:
            self.interrupted_jvm_call = False
            reset_py4j_connection()
        if not self.spark_reported and self.active_context() is not None:
            from pyspark.sql import SparkSession

            spark = SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()
            self.adopt_spark(spark)

    def request_cancel(self, frame):
        """SIGINT during a statement: cancel its job group; interrupt code that is not waiting on Spark."""
        now = time.monotonic()
        first = self.cancel_requested_at is None
        if first:
            self.cancel_requested_at = now
        context = self.active_context()
        in_jvm_call = context is not None and waiting_on_jvm(frame)
        if first and context is not None and self.statement_id is not None:
            group = str(self.statement_id)
            threading.Thread(target=context.cancelJobGroup, args=(group,), daemon=True).start()
        if in_jvm_call and now - self.cancel_requested_at < self.job_cancel_timeout:
            return  # the cancelled jobs make the call return; the statement then ends as cancelled
        if in_jvm_call:
            self.interrupted_jvm_call = True
        raise KeyboardInterrupt

    # ---- errors --------------------------------------------------------------------------------

    def error_reply(self, err, count):
        """Synapse's shape: the Python exception's name and message first, Py4J/JVM noise trimmed (kept in the log)."""
        ename = type(err).__name__
        evalue = trim_jvm_message(str(err))
        if isinstance(err, SyntaxError):
            lines = traceback.format_exception_only(type(err), err)
        else:
            lines = traceback.format_exception(type(err), err, user_frames(err.__traceback__))
            if evalue != str(err) or lines_have_internal_frames(lines):
                sys.__stderr__.write("".join(traceback.format_exception(type(err), err, err.__traceback__)))
                lines = [line for line in lines if not is_internal_frame(line)]
                lines = lines[:-1] + ["%s: %s\n" % (ename, evalue)]
        name = getattr(err, "name", None)
        if isinstance(err, NameError) and name in SPARK_NAMES and not self.pyspark_available:
            evalue = "name '%s' is not defined: %s" % (name, no_spark_message("a SparkSession"))
            lines = lines[:-1] + ["%s: %s\n" % (ename, evalue)]
        return {"status": "error", "execution_count": count, "ename": ename, "evalue": evalue,
                "traceback": lines}


def user_frames(tb):
    """Drop the runner's own frames so the traceback starts in the user's code."""
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) == RUNNER_FILE:
        tb = tb.tb_next
    return tb


def is_internal_frame(line):
    match = re.match(r'\s*File "([^"]+)"', line)
    return bool(match) and any(part in match.group(1) for part in INTERNAL_PACKAGES)


def lines_have_internal_frames(lines):
    return any(is_internal_frame(line) for line in lines)


def trim_jvm_message(text):
    """Drops Java stack frames ('\tat ...') and the Py4J preamble; keeps the exception lines and causes."""
    lines = text.split("\n")
    kept = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("at ") or stripped.startswith("... ") or stripped == "JVM stacktrace:":
            continue
        if stripped.startswith("An error occurred while calling ") and stripped.endswith("."):
            continue
        kept.append(line[2:] if line.startswith(": ") else line)
    return "\n".join(kept).strip() or text


def waiting_on_jvm(frame):
    """True when the interrupted code is inside a Py4J call (so a cancelled Spark job will make it return)."""
    while frame is not None:
        if (os.sep + "py4j" + os.sep) in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


def reset_py4j_connection():
    """An interrupt inside a Py4J call leaves this thread's connection mid-answer: drop it for a fresh one."""
    try:
        from pyspark import SparkContext

        client = SparkContext._gateway._gateway_client
        connection = client.get_thread_connection() if hasattr(client, "get_thread_connection") else None
        if connection is not None:
            connection.close(reset=True)
    except Exception as err:  # best effort: the next call reports a broken connection itself
        sys.__stderr__.write("livy_runner: could not reset the Py4J connection: %s\n" % err)


def no_spark_message(what):
    reason = os.environ.get("LIVY_EMU_NO_SPARK_REASON")
    if reason:
        return "%s needs the emulator's Spark engine, which is not available: %s" % (what, reason)
    return ("%s needs Spark, but pyspark is not installed for the emulator's Python (%s): install the Spark "
            "engine with `npm run spark:install`" % (what, sys.executable))


def positive_int(value, default):
    try:
        number = int(str(value))
        return number if number > 0 else default
    except (TypeError, ValueError):
        return default


def positive_float(value, default):
    text = str(value or "").strip().lower()
    factor = 1.0
    for suffix, scale in (("ms", 0.001), ("s", 1.0), ("m", 60.0)):
        if text.endswith(suffix):
            text, factor = text[: -len(suffix)], scale
            break
    try:
        number = float(text) * factor
        return number if number > 0 else default
    except ValueError:
        return default


def json_value(value):
    """A Spark SQL value as Livy's SQL output writes it in JSON."""
    import datetime
    import decimal

    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if hasattr(value, "asDict"):
        return {k: json_value(v) for k, v in value.asDict().items()}
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    return str(value)


def capture_figures(data):
    """Figures left open by a statement (plt.show() under Agg) become its image, as Synapse shows them inline."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None or "image/png" in data:
        return
    numbers = pyplot.get_fignums()
    if not numbers:
        return
    figure = pyplot.figure(numbers[-1])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    data["image/png"] = base64.b64encode(buffer.getvalue()).decode("ascii")
    pyplot.close("all")


def install_notebookutils(runner):
    """mssparkutils / notebookutils (emulator/python/notebookutils), bound to this session's Spark."""
    try:
        import notebookutils
    except ImportError:
        return
    notebookutils.bind_session(runner.ensure_spark, NotebookExit)
    sys.modules.setdefault("mssparkutils", notebookutils.mssparkutils)


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
    def on_sigint(_signum, frame):
        if runner.executing:  # outside a statement a late interrupt must not kill the loop
            runner.request_cancel(frame)

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
    lock = threading.Lock()

    def send(message):
        with lock:
            protocol_out.write(json.dumps(message, default=repr) + "\n")
            protocol_out.flush()

    runner = Runner(send)
    install_sigint_handler(runner)

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
