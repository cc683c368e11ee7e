package dev.fakeetcd.conformance.auth;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.AuthEnableRequest;
import dev.fakeetcd.api.AuthRoleAddRequest;
import dev.fakeetcd.api.AuthRoleGrantPermissionRequest;
import dev.fakeetcd.api.AuthUserAddRequest;
import dev.fakeetcd.api.AuthUserGrantRoleRequest;
import dev.fakeetcd.api.AuthenticateRequest;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.LaunchOptions;
import dev.fakeetcd.conformance.PrivateCluster;
import io.grpc.ManagedChannel;

/**
 * Auth set up over raw gRPC, as an operator's etcdctl would: user {@code root} with role
 * {@code root}, then auth on; users and roles with their permissions; tokens from Authenticate.
 */
final class Auth {

  static final String ROOT_PASSWORD = "root-pw";
  /** bcrypt's lowest cost: hashing at etcd's default 10 takes tens of ms per user. */
  static final int FAST_BCRYPT = 4;

  private Auth() {}

  /** Options for a cluster whose users are cheap to add and authenticate. */
  static LaunchOptions options() {
    return LaunchOptions.defaults().bcryptCost(FAST_BCRYPT);
  }

  static PrivateCluster launch(ClusterLauncher launcher) {
    return launcher.launch(options());
  }

  /** Calls on member 0 without a token. */
  static Caller anonymous(PrivateCluster cluster) {
    return Caller.anonymous(cluster.channels().get(0));
  }

  /** Adds root with role root, enables auth, and returns root logged in on member 0. */
  static Caller enable(PrivateCluster cluster) {
    Caller anonymous = anonymous(cluster);
    addRootUser(anonymous);
    anonymous.auth().authEnable(AuthEnableRequest.getDefaultInstance());
    return login(cluster.channels().get(0), "root", ROOT_PASSWORD);
  }

  /** User root with role root (which need not exist as a role), auth still off. */
  static void addRootUser(Caller admin) {
    addUser(admin, "root", ROOT_PASSWORD);
    grantRole(admin, "root", "root");
  }

  static void addUser(Caller admin, String name, String password) {
    admin.auth().userAdd(AuthUserAddRequest.newBuilder().setName(name).setPassword(password)
        .build());
  }

  static void addRole(Caller admin, String role) {
    admin.auth().roleAdd(AuthRoleAddRequest.newBuilder().setName(role).build());
  }

  static void grantRole(Caller admin, String user, String role) {
    admin.auth().userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser(user).setRole(role)
        .build());
  }

  static void grant(Caller admin, String role, Permission.Type type, String key,
      String rangeEnd) {
    admin.auth().roleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder().setName(role)
        .setPerm(permission(type, key, rangeEnd)).build());
  }

  static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static Permission permission(Permission.Type type, String key, String rangeEnd) {
    return Permission.newBuilder().setPermType(type).setKey(bytes(key))
        .setRangeEnd(bytes(rangeEnd)).build();
  }

  /**
   * Adds user {@code name} (password {@code name + "-pw"}) with a role of the same name holding
   * {@code permissions}, and returns it logged in on member 0.
   */
  static Caller user(PrivateCluster cluster, Caller admin, String name,
      Permission... permissions) {
    addUser(admin, name, name + "-pw");
    addRole(admin, name);
    for (Permission permission : permissions) {
      admin.auth().roleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder().setName(name)
          .setPerm(permission).build());
    }
    grantRole(admin, name, name);
    return login(cluster.channels().get(0), name, name + "-pw");
  }

  static String authenticate(ManagedChannel channel, String name, String password) {
    return Caller.anonymous(channel).auth().authenticate(AuthenticateRequest.newBuilder()
        .setName(name).setPassword(password).build()).getToken();
  }

  static Caller login(ManagedChannel channel, String name, String password) {
    return Caller.withToken(channel, authenticate(channel, name, password));
  }
}
