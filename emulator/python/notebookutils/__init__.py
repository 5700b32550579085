"""mssparkutils / notebookutils as a Synapse Spark pool offers them, for the local emulator.

`fs` works on the same storage Spark sees (the workspace's ADLS Gen2 accounts, through Hadoop's FileSystem
layer, so abfss:// URIs and default-file-system paths such as /data/x both work); `env` names the workspace,
pool, user and job; `notebook.exit` ends the statement or script with a value. Everything else raises a
NotImplementedError that names the call.

    from notebookutils import mssparkutils
    mssparkutils.fs.ls("/")
"""
import os
import sys

_session_provider = None
_exit_exception = None


def bind_session(provider, exit_exception=None):
    """The Livy runner hands over how to get (and lazily start) the session's SparkSession."""
    global _session_provider, _exit_exception
    _session_provider = provider
    _exit_exception = exit_exception


def _spark():
    if _session_provider is not None:
        return _session_provider()
    from pyspark.sql import SparkSession

    return SparkSession.builder.getOrCreate()


class _NotAvailable:
    """Parts of mssparkutils that need Azure itself: each call says which call is not available."""

    def __init__(self, prefix, names=()):
        self._prefix = prefix
        self._names = names

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        call = "%s.%s" % (self._prefix, name)

        def unavailable(*_args, **_kwargs):
            raise NotImplementedError("%s is not available in the local emulator; run it on a Synapse Spark pool" % call)

        return unavailable


class FileInfo:
    """What mssparkutils.fs.ls returns for each entry."""

    def __init__(self, name, path, size, is_dir, modify_time):
        self.name = name
        self.path = path
        self.size = size
        self.isDir = is_dir
        self.isFile = not is_dir
        self.modifyTime = modify_time

    def __repr__(self):
        return "FileInfo(path=%s, name=%s, size=%s)" % (self.path, self.name, self.size)


def _write(stream, content):
    try:
        stream.write(bytearray(str(content).encode("utf-8")))
    finally:
        stream.close()
    return True


class _Fs:
    def _jvm(self):
        spark = _spark()
        context = spark.sparkContext
        return context._jvm, context._jsc.hadoopConfiguration()

    def _fs(self, path):
        jvm, conf = self._jvm()
        hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
        return hadoop_path.getFileSystem(conf), hadoop_path, jvm, conf

    def ls(self, path):
        fs, hadoop_path, _jvm, _conf = self._fs(path)
        return [FileInfo(s.getPath().getName() + ("/" if s.isDirectory() else ""), s.getPath().toString(),
                         0 if s.isDirectory() else s.getLen(), s.isDirectory(), s.getModificationTime())
                for s in fs.listStatus(hadoop_path)]

    def exists(self, path):
        fs, hadoop_path, _jvm, _conf = self._fs(path)
        return bool(fs.exists(hadoop_path))

    def mkdirs(self, path):
        fs, hadoop_path, _jvm, _conf = self._fs(path)
        return bool(fs.mkdirs(hadoop_path))

    def rm(self, path, recurse=False):
        fs, hadoop_path, _jvm, _conf = self._fs(path)
        if not fs.exists(hadoop_path):
            raise FileNotFoundError("%s does not exist" % path)
        if fs.getFileStatus(hadoop_path).isDirectory() and not recurse and len(fs.listStatus(hadoop_path)) > 0:
            raise IsADirectoryError("%s is a non-empty folder: pass recurse=True to remove it" % path)
        return bool(fs.delete(hadoop_path, bool(recurse)))

    def head(self, path, maxBytes=1024 * 100):
        fs, hadoop_path, jvm, _conf = self._fs(path)
        stream = fs.open(hadoop_path)
        try:
            bounded = jvm.org.apache.commons.io.input.BoundedInputStream(stream, int(maxBytes))
            data = jvm.org.apache.commons.io.IOUtils.toByteArray(bounded)
        finally:
            stream.close()
        return bytes(data).decode("utf-8", errors="replace")

    def put(self, path, content, overwrite=False):
        fs, hadoop_path, _jvm, _conf = self._fs(path)
        if fs.exists(hadoop_path) and not overwrite:
            raise FileExistsError("%s already exists: pass overwrite=True to replace it" % path)
        return _write(fs.create(hadoop_path, True), content)

    def append(self, path, content, createFileIfNotExists=False):
        fs, hadoop_path, _jvm, _conf = self._fs(path)
        if not fs.exists(hadoop_path):
            if not createFileIfNotExists:
                raise FileNotFoundError("%s does not exist: pass createFileIfNotExists=True to create it" % path)
            return self.put(path, content)
        return _write(fs.append(hadoop_path), content)

    def cp(self, source, destination, recurse=False):
        src_fs, src, jvm, conf = self._fs(source)
        dst_fs, dst, _jvm, _conf = self._fs(destination)
        if not src_fs.exists(src):
            raise FileNotFoundError("%s does not exist" % source)
        if src_fs.getFileStatus(src).isDirectory() and not recurse:
            raise IsADirectoryError("%s is a folder: pass recurse=True to copy it" % source)
        return bool(jvm.org.apache.hadoop.fs.FileUtil.copy(src_fs, src, dst_fs, dst, False, conf))

    def mv(self, source, destination, create_path=False, overwrite=False):
        src_fs, src, jvm, conf = self._fs(source)
        dst_fs, dst, _jvm, _conf = self._fs(destination)
        if not src_fs.exists(src):
            raise FileNotFoundError("%s does not exist" % source)
        if dst_fs.exists(dst) and not dst_fs.getFileStatus(dst).isDirectory():
            if not overwrite:
                raise FileExistsError("%s already exists: pass overwrite=True to replace it" % destination)
            dst_fs.delete(dst, False)
        parent = dst.getParent()
        if parent is not None and not dst_fs.exists(parent):
            if not create_path:
                raise FileNotFoundError("%s does not exist: pass create_path=True to create it" % parent.toString())
            dst_fs.mkdirs(parent)
        if src_fs.getUri().equals(dst_fs.getUri()):
            return bool(src_fs.rename(src, dst))
        return bool(jvm.org.apache.hadoop.fs.FileUtil.copy(src_fs, src, dst_fs, dst, True, conf))

    def help(self, method_name=None):
        print("mssparkutils.fs (local emulator): ls, head, put, cp, mv, mkdirs, rm, exists, append")

    def __getattr__(self, name):
        return getattr(_NotAvailable("mssparkutils.fs"), name)


class _Env:
    def getWorkspaceName(self):
        return os.environ.get("SYNAPSE_WORKSPACE_NAME", "")

    def getPoolName(self):
        return os.environ.get("SYNAPSE_POOL_NAME", "")

    def getUserName(self):
        return os.environ.get("SYNAPSE_USER_NAME", "")

    def getUserId(self):
        return os.environ.get("SYNAPSE_USER_ID", "")

    def getJobId(self):
        return os.environ.get("SYNAPSE_JOB_ID", "")

    def getClusterId(self):
        return os.environ.get("SYNAPSE_POOL_NAME", "")

    def help(self, method_name=None):
        print("mssparkutils.env: getWorkspaceName, getPoolName, getUserName, getUserId, getJobId, getClusterId")

    def __getattr__(self, name):
        return getattr(_NotAvailable("mssparkutils.env"), name)


class _Notebook:
    def exit(self, value=None):
        """Ends the statement (in a session) or the script (in a batch job) with `value`."""
        if _exit_exception is not None:
            raise _exit_exception(value)
        if value is not None:
            print(value)
        sys.exit(0)

    def __getattr__(self, name):
        return getattr(_NotAvailable("mssparkutils.notebook"), name)


class _MsSparkUtils:
    fs = _Fs()
    env = _Env()
    notebook = _Notebook()
    credentials = _NotAvailable("mssparkutils.credentials")
    runtime = _NotAvailable("mssparkutils.runtime")
    session = _NotAvailable("mssparkutils.session")
    lakehouse = _NotAvailable("mssparkutils.lakehouse")

    def help(self):
        print("mssparkutils (local emulator): fs, env, notebook.exit; other modules need a Synapse Spark pool")

    def __getattr__(self, name):
        return getattr(_NotAvailable("mssparkutils"), name)


mssparkutils = _MsSparkUtils()
fs = mssparkutils.fs
env = mssparkutils.env
notebook = mssparkutils.notebook
credentials = mssparkutils.credentials
