package org.qcal.jobs.io;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Collection;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.qcal.QcalException;

/**
 * Where an output folder may go: a valid Hadoop path that is not a file-system root, the working
 * folder or the home folder (nor one of their ancestors), and that neither equals, contains nor
 * lies inside any input of the run. These are the refusals that keep {@code --out} from ever
 * touching a user's data (docs/DESIGN.md, "Outputs"); all of them happen before any work.
 */
public final class OutputLocation {
  private OutputLocation() {}

  /**
   * The qualified output path of {@code dir}, checked against {@code inputs} (model, data,
   * calibration folder, config file, ...; null entries are skipped).
   */
  public static Path check(String dir, Collection<String> inputs, Configuration conf) {
    Path target = parse("output folder", dir);
    try {
      FileSystem fs = target.getFileSystem(conf);
      Path qualified = canonical(fs, fs.makeQualified(target));
      if (qualified.isRoot()) {
        throw new QcalException("output folder " + dir + " is the root of a file system;"
            + " name a folder of its own");
      }
      refuseAncestorOf(qualified, dir, "the working folder", workingFolder(fs));
      refuseAncestorOf(qualified, dir, "the home folder", homeFolder(fs));
      for (String input : inputs) {
        if (input != null) {
          refuseOverlap(fs, qualified, dir, input);
        }
      }
      return qualified;
    } catch (IOException e) {
      throw new QcalException("output folder " + dir + " cannot be checked: "
          + firstLine(e.getMessage()), e);
    }
  }

  /**
   * Parses a user's path. Hadoop reads a ':' before the first '/' as a URI scheme and refuses
   * it anywhere in a name on HDFS, so such names are refused here in one line rather than as a
   * {@code URISyntaxException} deep inside a write.
   */
  static Path parse(String what, String dir) {
    if (dir == null || dir.isBlank()) {
      throw new QcalException(what + " is empty");
    }
    String pathPart = dir.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")
        ? URI.create(dir.replace(" ", "%20")).getRawPath() : dir;
    if (pathPart != null && pathPart.contains(":")) {
      throw new QcalException(what + " " + dir + ": ':' is not allowed in a file or folder name"
          + " on Hadoop file systems (HDFS refuses it); use '-' instead, e.g. "
          + dir.substring(0, dir.length() - pathPart.length()) + pathPart.replace(':', '-'));
    }
    try {
      return new Path(dir);
    } catch (IllegalArgumentException e) {
      throw new QcalException(what + " " + dir + " is not a valid path: "
          + firstLine(e.getMessage()), e);
    }
  }

  private static void refuseOverlap(FileSystem fs, Path target, String dir, String input) {
    Path in = parse("input path", globFreePrefix(input));
    URI uri = in.toUri();
    // An input on another file system cannot overlap; and is not even contacted to find out.
    if (uri.getScheme() != null && (!uri.getScheme().equals(target.toUri().getScheme())
        || uri.getAuthority() != null
            && !uri.getAuthority().equals(target.toUri().getAuthority()))) {
      return;
    }
    Path qualified = canonical(fs, fs.makeQualified(in));
    String t = target.toUri().getPath();
    String i = qualified.toUri().getPath();
    if (t.equals(i)) {
      throw new QcalException("output folder " + dir + " is the input " + input
          + "; qcal never writes over its inputs: choose another --out");
    }
    if (isInside(i, t)) {
      throw new QcalException("output folder " + dir + " contains the input " + input
          + "; qcal never writes over its inputs: choose another --out");
    }
    if (isInside(t, i)) {
      throw new QcalException("output folder " + dir + " lies inside the input " + input
          + "; qcal never writes into its inputs: choose another --out");
    }
  }

  private static void refuseAncestorOf(Path target, String dir, String what, Path folder) {
    if (folder == null || !sameFileSystem(target, folder)) {
      return;
    }
    String t = target.toUri().getPath();
    String f = folder.toUri().getPath();
    if (t.equals(f) || isInside(f, t)) {
      throw new QcalException("output folder " + dir + " is " + (t.equals(f) ? "" : "above ")
          + what + " (" + f + "); name a folder of its own");
    }
  }

  private static Path workingFolder(FileSystem fs) {
    return "file".equals(fs.getUri().getScheme())
        ? canonical(fs, new Path("file", null, Paths.get("").toAbsolutePath().toString()))
        : fs.getWorkingDirectory();
  }

  private static Path homeFolder(FileSystem fs) {
    return "file".equals(fs.getUri().getScheme())
        ? canonical(fs, new Path("file", null, System.getProperty("user.home")))
        : fs.getHomeDirectory();
  }

  /** True if {@code inner} is strictly below {@code outer}. */
  static boolean isInside(String inner, String outer) {
    String prefix = outer.endsWith("/") ? outer : outer + "/";
    return inner.startsWith(prefix) && inner.length() > prefix.length();
  }

  private static boolean sameFileSystem(Path a, Path b) {
    URI x = a.toUri();
    URI y = b.toUri();
    return java.util.Objects.equals(x.getScheme(), y.getScheme())
        && java.util.Objects.equals(x.getAuthority(), y.getAuthority());
  }

  /**
   * On the local file system, the path with symbolic links resolved in its longest existing
   * prefix, so that a link cannot hide that an output is an input. Elsewhere, the path itself.
   */
  private static Path canonical(FileSystem fs, Path qualified) {
    if (!"file".equals(qualified.toUri().getScheme())) {
      return qualified;
    }
    java.nio.file.Path p = Paths.get(qualified.toUri()).normalize();
    java.nio.file.Path rest = p.getRoot().relativize(p);
    java.nio.file.Path existing = p;
    int kept = rest.getNameCount();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
      kept--;
    }
    try {
      java.nio.file.Path real = existing == null ? p.getRoot() : existing.toRealPath();
      for (int k = Math.max(kept, 0); k < rest.getNameCount(); k++) {
        real = real.resolve(rest.getName(k));
      }
      // Not real.toUri(): that ends an existing folder with '/', which comparisons would see.
      return fs.makeQualified(new Path("file", null, real.toString()));
    } catch (IOException e) {
      return qualified;
    }
  }

  /** The part of a path before its first glob character's component ({@code data/*.parquet}). */
  public static String globFreePrefix(String path) {
    int glob = -1;
    for (char c : new char[] {'*', '?', '[', '{'}) {
      int i = path.indexOf(c);
      if (i >= 0 && (glob < 0 || i < glob)) {
        glob = i;
      }
    }
    if (glob < 0) {
      return path;
    }
    int slash = path.lastIndexOf('/', glob);
    return slash < 0 ? "." : slash == 0 ? "/" : path.substring(0, slash);
  }

  public static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
