package dev.fakeetcd;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.AuthEnableRequest;
import dev.fakeetcd.api.AuthGrpc;
import dev.fakeetcd.api.AuthRoleAddRequest;
import dev.fakeetcd.api.AuthRoleGrantPermissionRequest;
import dev.fakeetcd.api.AuthUserAddRequest;
import dev.fakeetcd.api.AuthUserGrantRoleRequest;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.api.UserAddOptions;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Auth set up as an operator's etcdctl commands would set it up, applied through Raft when the
 * cluster starts, before it is handed out: user {@code root} with role {@code root}, then the
 * roles, their permissions and the users in the order given, then {@code auth enable}. Immutable;
 * each method returns a new setup.
 *
 * <pre>{@code
 * AuthSetup.withRootPassword("rootpw")
 *     .role("app").grant("app", Permission.Type.READWRITE, "/app/", "/app0")
 *     .user("alice", "alicepw", "app")
 * }</pre>
 */
public final class AuthSetup {

  /** One step, in order; package-private for the cluster that applies them. */
  sealed interface Step {
  }

  record RoleStep(String name) implements Step {
  }

  record GrantStep(String role, Permission.Type type, ByteString key, ByteString rangeEnd)
      implements Step {
  }

  /** A null password is etcd's {@code no_password} option. */
  record UserStep(String name, String password, List<String> roles) implements Step {
  }

  private final String rootPassword;
  private final List<Step> steps;

  private AuthSetup(String rootPassword, List<Step> steps) {
    this.rootPassword = rootPassword;
    this.steps = List.copyOf(steps);
  }

  /** User {@code root} with this password and role {@code root}; auth enabled. */
  public static AuthSetup withRootPassword(String rootPassword) {
    return new AuthSetup(Objects.requireNonNull(rootPassword, "rootPassword"), List.of());
  }

  /** {@code etcdctl role add name}. */
  public AuthSetup role(String name) {
    return with(new RoleStep(Objects.requireNonNull(name, "name")));
  }

  /**
   * {@code etcdctl role grant-permission role type key rangeEnd}: {@code rangeEnd} empty for the
   * key alone, {@code "\0"} for every key from {@code key} on.
   */
  public AuthSetup grant(String role, Permission.Type type, String key, String rangeEnd) {
    return grant(role, type, ByteString.copyFromUtf8(key), ByteString.copyFromUtf8(rangeEnd));
  }

  private AuthSetup grant(String role, Permission.Type type, ByteString key,
      ByteString rangeEnd) {
    return with(new GrantStep(Objects.requireNonNull(role, "role"),
        Objects.requireNonNull(type, "type"), key, rangeEnd));
  }

  /** {@code etcdctl role grant-permission --prefix role type prefix}. */
  public AuthSetup grantPrefix(String role, Permission.Type type, String prefix) {
    ByteString key = ByteString.copyFromUtf8(prefix);
    return grant(role, type, key, prefixEnd(key));
  }

  /** {@code etcdctl user add name:password}, then {@code user grant-role} for each role. */
  public AuthSetup user(String name, String password, String... roles) {
    return with(new UserStep(Objects.requireNonNull(name, "name"),
        Objects.requireNonNull(password, "password"), List.of(roles)));
  }

  /**
   * {@code etcdctl user add name --no-password}, then {@code user grant-role} for each role: the
   * user cannot Authenticate, and runs requests only as the common name of a TLS client
   * certificate under {@code --client-cert-auth} (see {@link ServerTls#clientCertAuth}).
   */
  public AuthSetup userWithoutPassword(String name, String... roles) {
    return with(new UserStep(Objects.requireNonNull(name, "name"), null, List.of(roles)));
  }

  /**
   * The password this setup gives {@code user} ({@code root} included), if it names the user with
   * one.
   */
  public Optional<String> password(String user) {
    if (user.equals("root")) {
      return Optional.of(rootPassword);
    }
    String found = null;
    for (Step step : steps) {
      if (step instanceof UserStep u && u.name().equals(user)) {
        found = u.password();
      }
    }
    return Optional.ofNullable(found);
  }

  String rootPassword() {
    return rootPassword;
  }

  List<Step> steps() {
    return steps;
  }

  /** Applies this setup through {@code channel}, as etcdctl's commands would. */
  void applyTo(ManagedChannel channel) {
    AuthGrpc.AuthBlockingStub auth = AuthGrpc.newBlockingStub(channel);
    auth.userAdd(AuthUserAddRequest.newBuilder().setName("root").setPassword(rootPassword)
        .build());
    auth.roleAdd(AuthRoleAddRequest.newBuilder().setName("root").build());
    grantRole(auth, "root", "root");
    for (Step step : steps) {
      if (step instanceof RoleStep r) {
        auth.roleAdd(AuthRoleAddRequest.newBuilder().setName(r.name()).build());
      } else if (step instanceof GrantStep g) {
        auth.roleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder().setName(g.role())
            .setPerm(Permission.newBuilder().setPermType(g.type()).setKey(g.key())
                .setRangeEnd(g.rangeEnd())).build());
      } else if (step instanceof UserStep u) {
        AuthUserAddRequest.Builder add = AuthUserAddRequest.newBuilder().setName(u.name());
        if (u.password() == null) {
          add.setOptions(UserAddOptions.newBuilder().setNoPassword(true));
        } else {
          add.setPassword(u.password());
        }
        auth.userAdd(add.build());
        u.roles().forEach(role -> grantRole(auth, u.name(), role));
      }
    }
    auth.authEnable(AuthEnableRequest.getDefaultInstance());
  }

  private static void grantRole(AuthGrpc.AuthBlockingStub auth, String user, String role) {
    auth.userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser(user).setRole(role).build());
  }

  private AuthSetup with(Step step) {
    List<Step> more = new ArrayList<>(steps);
    more.add(step);
    return new AuthSetup(rootPassword, more);
  }

  /** etcd's {@code clientv3.GetPrefixRangeEnd}: the prefix with its last byte below 0xff raised. */
  private static ByteString prefixEnd(ByteString prefix) {
    byte[] end = prefix.toByteArray();
    for (int i = end.length - 1; i >= 0; i--) {
      if ((end[i] & 0xff) < 0xff) {
        end[i]++;
        return ByteString.copyFrom(end, 0, i + 1);
      }
    }
    return ByteString.copyFrom(new byte[1]);
  }

  @Override
  public String toString() {
    return "AuthSetup" + steps;
  }
}
