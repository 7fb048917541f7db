package org.qcal.jobs.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The sockets of a set of processes that are not on the loopback interface, from Linux's
 * {@code /proc}: each process's socket inodes ({@code /proc/<pid>/fd}) looked up in
 * {@code /proc/net/tcp}, {@code tcp6}, {@code udp} and {@code udp6}. A socket bound to the
 * wildcard address counts as not loopback: it would accept traffic from other hosts.
 */
final class LoopbackSockets {
  private LoopbackSockets() {}

  static boolean available() {
    return Files.isReadable(Path.of("/proc/net/tcp")) && Files.isDirectory(Path.of("/proc/self/fd"));
  }

  /** One line per offending socket: pid, protocol, local address (hex as in /proc), state. */
  static List<String> nonLoopback(List<ProcessHandle> processes) throws IOException {
    Map<String, Long> owners = new HashMap<>();
    for (ProcessHandle p : processes) {
      for (String inode : socketInodes(p.pid())) {
        owners.put(inode, p.pid());
      }
    }
    List<String> bad = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
      Path file = Path.of("/proc/net", table);
      if (!Files.isReadable(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        Long pid = owners.get(f[9]);
        if (pid != null && !isLoopback(f[1].substring(0, f[1].indexOf(':')))) {
          bad.add("pid " + pid + " " + table + " local " + f[1] + " remote " + f[2]
              + " state " + f[3]);
        }
      }
    }
    return bad;
  }

  /** How many sockets the processes hold (to show that the check looked at something). */
  static int socketCount(List<ProcessHandle> processes) {
    int n = 0;
    for (ProcessHandle p : processes) {
      n += socketInodes(p.pid()).size();
    }
    return n;
  }

  private static Set<String> socketInodes(long pid) {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // the descriptor closed while listing
        }
      }
    } catch (IOException e) {
      // the process exited while listing
    }
    return inodes;
  }

  /**
   * /proc's hex address: IPv4 as one little-endian 32-bit word ({@code 0100007F} is 127.0.0.1);
   * IPv6 as four such words ({@code ::1}, or {@code ::ffff:127.x.y.z}, the IPv4-mapped form
   * Java's dual-stack sockets show).
   */
  static boolean isLoopback(String hex) {
    if (hex.length() == 8) {
      return hex.endsWith("7F");
    }
    if (hex.length() == 32) {
      String v6 = hex.toUpperCase(java.util.Locale.ROOT);
      return v6.equals("00000000000000000000000001000000")
          || (v6.startsWith("0000000000000000FFFF0000") && v6.endsWith("7F"));
    }
    return false;
  }
}
