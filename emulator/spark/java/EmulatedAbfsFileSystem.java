/*
 * The emulator's ADLS Gen2 file system: abfss://{filesystem}@{account}.dfs.core.windows.net/{path} is the
 * folder {root}/{account}/{filesystem}/{path} on this machine. It lives in Hadoop's FileSystem layer
 * (fs.abfss.impl), so every Spark reader and writer, Hive's metastore and Delta's log store see the same
 * mapping; Python never rewrites paths.
 *
 * Configuration (set by the emulator in spark-defaults.conf):
 *   fs.emulator.abfss.root      the folder that holds one folder per storage account
 *   fs.emulator.abfss.accounts  comma-separated account names that exist; any other account fails as an
 *                               unreachable host does
 *   fs.emulator.abfss.user      the user paths are owned by and whose home is the working directory
 *                               (default trusted-service-user, as on Synapse)
 */
package synapse.emulator;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;

public class EmulatedAbfsFileSystem extends RawLocalFileSystem {
  public static final String ROOT_KEY = "fs.emulator.abfss.root";
  public static final String ACCOUNTS_KEY = "fs.emulator.abfss.accounts";
  public static final String USER_KEY = "fs.emulator.abfss.user";
  private static final long DEFAULT_BLOCK_SIZE = 256L * 1024 * 1024; // fs.azure.block.size's default

  private URI uri;
  private File root;
  private String user = "trusted-service-user";
  private Path workingDir;

  @Override
  public void initialize(URI name, Configuration conf) throws IOException {
    super.initialize(name, conf);
    String container = name.getUserInfo();
    String host = name.getHost();
    if (container == null || container.isEmpty() || host == null) {
      throw new IllegalArgumentException("Cannot load the file system " + name
          + ": use abfss://<filesystem>@<account>.dfs.core.windows.net/<path>");
    }
    String account = host.split("\\.", 2)[0].toLowerCase();
    String rootDir = conf.get(ROOT_KEY);
    if (rootDir == null) {
      throw new IOException(ROOT_KEY + " is not set: the emulator's Spark configuration is missing");
    }
    List<String> accounts = new ArrayList<>();
    for (String item : conf.getTrimmedStrings(ACCOUNTS_KEY)) {
      accounts.add(item.toLowerCase());
    }
    if (!accounts.contains(account)) {
      throw new IOException("Operation failed: the storage account '" + account + "' could not be reached ("
          + host + "); the emulator knows these accounts: " + String.join(", ", accounts),
          new UnknownHostException(host));
    }
    user = conf.get(USER_KEY, user);
    root = new File(new File(rootDir, account), container).getAbsoluteFile();
    uri = URI.create(name.getScheme() + "://" + name.getAuthority());
    workingDir = getHomeDirectory();
  }

  @Override
  public URI getUri() {
    return uri != null ? uri : URI.create("abfss:///");
  }

  @Override
  public String getScheme() {
    return uri != null ? uri.getScheme() : "abfss";
  }

  @Override
  public String toString() {
    return "EmulatedAbfsFileSystem[" + getUri() + "]";
  }

  /** Maps an abfss path of this file system to its local file; never leaves the file system's folder. */
  @Override
  public File pathToFile(Path path) {
    checkPath(path);
    Path absolute = path.isAbsolute() ? path : new Path(getWorkingDirectory(), path);
    String remote = absolute.toUri().getPath();
    List<String> parts = new ArrayList<>();
    for (String part : remote.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
        continue;
      }
      parts.add(part);
    }
    return parts.isEmpty() ? root : new File(root, String.join(File.separator, parts));
  }

  @Override
  public Path getHomeDirectory() {
    return makeQualified(new Path("/user/" + user));
  }

  @Override
  protected Path getInitialWorkingDirectory() {
    return uri == null ? new Path("/") : getHomeDirectory();
  }

  @Override
  public Path getWorkingDirectory() {
    return workingDir != null ? workingDir : new Path("/");
  }

  @Override
  public void setWorkingDirectory(Path dir) {
    workingDir = makeQualified(dir.isAbsolute() ? dir : new Path(getWorkingDirectory(), dir));
  }

  @Override
  public long getDefaultBlockSize() {
    return getConf().getLong("fs.azure.block.size", DEFAULT_BLOCK_SIZE);
  }

  @Override
  public long getDefaultBlockSize(Path path) {
    return getDefaultBlockSize();
  }

  @Override
  public FileStatus getFileStatus(Path path) throws IOException {
    File file = pathToFile(path);
    if (!file.exists()) {
      throw new FileNotFoundException(qualify(path) + ": No such file or directory.");
    }
    return status(file, qualify(path));
  }

  @Override
  public FileStatus getFileLinkStatus(Path path) throws IOException {
    return getFileStatus(path);
  }

  @Override
  public boolean supportsSymlinks() {
    return false;
  }

  @Override
  public FileStatus[] listStatus(Path path) throws IOException {
    File file = pathToFile(path);
    Path qualified = qualify(path);
    if (!file.exists()) {
      throw new FileNotFoundException(qualified + ": No such file or directory.");
    }
    if (!file.isDirectory()) {
      return new FileStatus[] {status(file, qualified)};
    }
    String[] names = file.list();
    if (names == null) {
      throw new IOException("Cannot list " + qualified);
    }
    Arrays.sort(names);
    List<FileStatus> out = new ArrayList<>(names.length);
    for (String name : names) {
      File child = new File(file, name);
      if (child.exists()) { // removed while listing: skip, as a listing of a changing folder may
        out.add(status(child, new Path(qualified, name)));
      }
    }
    return out.toArray(new FileStatus[0]);
  }

  /** Permissions through java.nio instead of a chmod process per file. */
  @Override
  public void setPermission(Path path, FsPermission permission) throws IOException {
    File file = pathToFile(path);
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    add(set, permission.getUserAction(), PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE);
    add(set, permission.getGroupAction(), PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_EXECUTE);
    add(set, permission.getOtherAction(), PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_EXECUTE);
    set.add(PosixFilePermission.OWNER_READ); // the emulator itself must keep reading and cleaning up
    set.add(PosixFilePermission.OWNER_WRITE);
    if (file.isDirectory()) {
      set.add(PosixFilePermission.OWNER_EXECUTE);
    }
    Files.setPosixFilePermissions(file.toPath(), set);
  }

  /** Owners are not emulated (ADLS ACLs are out of scope); the call succeeds as on a non-HNS account. */
  @Override
  public void setOwner(Path path, String username, String groupname) throws IOException {
    if (!pathToFile(path).exists()) {
      throw new FileNotFoundException(qualify(path) + ": No such file or directory.");
    }
  }

  private static void add(Set<PosixFilePermission> set, FsAction action, PosixFilePermission read,
      PosixFilePermission write, PosixFilePermission execute) {
    if (action.implies(FsAction.READ)) {
      set.add(read);
    }
    if (action.implies(FsAction.WRITE)) {
      set.add(write);
    }
    if (action.implies(FsAction.EXECUTE)) {
      set.add(execute);
    }
  }

  private Path qualify(Path path) {
    return makeQualified(path.isAbsolute() ? path : new Path(getWorkingDirectory(), path));
  }

  private FileStatus status(File file, Path qualified) {
    boolean dir = file.isDirectory();
    long modified = file.lastModified();
    return new FileStatus(dir ? 0 : file.length(), dir, 1, dir ? 0 : getDefaultBlockSize(), modified, modified,
        dir ? FsPermission.getDirDefault() : FsPermission.getFileDefault(), user, "$superuser", qualified);
  }
}
