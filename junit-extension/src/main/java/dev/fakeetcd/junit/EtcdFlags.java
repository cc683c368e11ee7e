package dev.fakeetcd.junit;

import dev.fakeetcd.AutoCompaction;
import dev.fakeetcd.ClusterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The etcd command-line flags that {@link EtcdClusterExtension.Builder#withAdditionalArgs} turns
 * into {@link ClusterConfig} settings. As etcd's Go flag parsing: {@code --flag value},
 * {@code --flag=value}, one dash or two; the last of a repeated flag wins.
 */
final class EtcdFlags {

  /** Each supported flag and how its value sets the builder, in the order the error lists them. */
  private static final Map<String, BiConsumer<EtcdFlags, String>> FLAGS = new LinkedHashMap<>();

  static {
    FLAGS.put("max-txn-ops", (f, v) -> {
      int ops = number("max-txn-ops", v);
      f.set(b -> b.maxTxnOps(ops));
    });
    FLAGS.put("max-request-bytes", (f, v) -> {
      int bytes = number("max-request-bytes", v);
      f.set(b -> b.maxRequestBytes(bytes));
    });
    FLAGS.put("quota-backend-bytes", (f, v) -> {
      long bytes = longNumber("quota-backend-bytes", v);
      f.set(b -> b.quotaBackendBytes(bytes));
    });
    FLAGS.put("auto-compaction-mode", (f, v) -> f.compactionMode = v);
    FLAGS.put("auto-compaction-retention", (f, v) -> f.compactionRetention = v);
    FLAGS.put("auth-token", (f, v) -> f.set(b -> b.authToken(v)));
    FLAGS.put("auth-token-ttl", (f, v) -> {
      int seconds = number("auth-token-ttl", v);
      f.set(b -> b.authTokenTtl(Duration.ofSeconds(seconds)));
    });
    FLAGS.put("bcrypt-cost", (f, v) -> {
      int cost = number("bcrypt-cost", v);
      f.set(b -> b.bcryptCost(cost));
    });
    FLAGS.put("heartbeat-interval", (f, v) -> {
      int millis = number("heartbeat-interval", v);
      f.set(b -> b.heartbeat(Duration.ofMillis(millis)));
    });
    FLAGS.put("election-timeout", (f, v) -> {
      int millis = number("election-timeout", v);
      f.set(b -> b.election(Duration.ofMillis(millis)));
    });
  }

  private final List<Consumer<ClusterConfig.Builder>> settings = new ArrayList<>();
  private String compactionMode = "periodic";
  private String compactionRetention = "0";

  private EtcdFlags() {
  }

  /**
   * Parses {@code args}; the result sets a builder.
   *
   * @throws IllegalArgumentException naming a flag the fake does not support (and listing those it
   *     does), a flag without its value, or a value etcd would refuse
   */
  static EtcdFlags parse(List<String> args) {
    EtcdFlags flags = new EtcdFlags();
    // Each value is checked as it is read, so that a refusal names its flag.
    ClusterConfig.Builder probe = ClusterConfig.builder();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg == null || !arg.startsWith("-") || arg.equals("-") || arg.equals("--")) {
        throw new IllegalArgumentException("additional arg " + (arg == null ? "null"
            : "\"" + arg + "\"") + " is not an etcd flag (--name value or --name=value)");
      }
      String flag = arg.substring(arg.startsWith("--") ? 2 : 1);
      int eq = flag.indexOf('=');
      String name = eq < 0 ? flag : flag.substring(0, eq);
      BiConsumer<EtcdFlags, String> setting = FLAGS.get(name);
      if (setting == null) {
        throw new IllegalArgumentException("etcd flag --" + name + " is not supported by"
            + " fake-etcd; supported: --" + String.join(", --", FLAGS.keySet()));
      }
      String value;
      if (eq >= 0) {
        value = flag.substring(eq + 1);
      } else if (i + 1 < args.size() && args.get(i + 1) != null) {
        value = args.get(++i);
      } else {
        throw new IllegalArgumentException("etcd flag --" + name + " needs a value");
      }
      int known = flags.settings.size();
      setting.accept(flags, value);
      try {
        flags.settings.subList(known, flags.settings.size()).forEach(set -> set.accept(probe));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("etcd flag --" + name + " " + value + ": "
            + e.getMessage(), e);
      }
    }
    // Both compaction flags together, as etcd reads them; a bad one fails now.
    try {
      AutoCompaction.parse(flags.compactionMode, flags.compactionRetention);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("etcd flags --auto-compaction-mode "
          + flags.compactionMode + " --auto-compaction-retention " + flags.compactionRetention
          + ": " + e.getMessage(), e);
    }
    try {
      probe.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("etcd flags " + String.join(" ", args) + ": "
          + e.getMessage(), e);
    }
    return flags;
  }

  /** Applies the flags to {@code builder}, which rejects values etcd would refuse. */
  void applyTo(ClusterConfig.Builder builder) {
    settings.forEach(s -> s.accept(builder));
    AutoCompaction.parse(compactionMode, compactionRetention).ifPresent(builder::autoCompaction);
  }

  private void set(Consumer<ClusterConfig.Builder> setting) {
    settings.add(setting);
  }

  /** An unsigned number as etcd's flag takes it, within what the fake's setting holds. */
  private static int number(String flag, String value) {
    long n = longNumber(flag, value);
    if (n < 0 || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("etcd flag --" + flag + " must be in 0.."
          + Integer.MAX_VALUE + ": " + value);
    }
    return (int) n;
  }

  private static long longNumber(String flag, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("etcd flag --" + flag + " is not a number: \"" + value
          + "\"");
    }
  }
}
