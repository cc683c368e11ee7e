package dev.fakeetcd.conformance.cli;

import dev.fakeetcd.conformance.EtcdBinary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code etcdctl} (API v3, none of its environment variables inherited). */
final class Etcdctl {

  private static final long TIMEOUT_SECONDS = 30;

  record Run(int exitCode, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  private Etcdctl() {}

  /** {@code etcdctl --endpoints=<endpointList> --command-timeout=10s <args>}. */
  static Run run(String endpointList, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(EtcdBinary.etcdctl().toString(),
        "--endpoints=" + endpointList, "--command-timeout=10s"));
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(variable -> variable.startsWith("ETCDCTL_"));
    builder.environment().put("ETCDCTL_API", "3");
    Path out = Files.createTempFile("etcdctl", ".out");
    Path err = Files.createTempFile("etcdctl", ".err");
    try {
      Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("etcdctl " + String.join(" ", args) + " did not finish");
      }
      return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }
}
