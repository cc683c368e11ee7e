package dev.fakeetcd.internal.auth;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import dev.fakeetcd.api.AuthDisableResponse;
import dev.fakeetcd.api.AuthEnableResponse;
import dev.fakeetcd.api.AuthRoleAddRequest;
import dev.fakeetcd.api.AuthRoleAddResponse;
import dev.fakeetcd.api.AuthRoleDeleteRequest;
import dev.fakeetcd.api.AuthRoleDeleteResponse;
import dev.fakeetcd.api.AuthRoleGetRequest;
import dev.fakeetcd.api.AuthRoleGetResponse;
import dev.fakeetcd.api.AuthRoleGrantPermissionRequest;
import dev.fakeetcd.api.AuthRoleGrantPermissionResponse;
import dev.fakeetcd.api.AuthRoleListResponse;
import dev.fakeetcd.api.AuthRoleRevokePermissionRequest;
import dev.fakeetcd.api.AuthRoleRevokePermissionResponse;
import dev.fakeetcd.api.AuthStatusResponse;
import dev.fakeetcd.api.AuthUserAddRequest;
import dev.fakeetcd.api.AuthUserAddResponse;
import dev.fakeetcd.api.AuthUserChangePasswordRequest;
import dev.fakeetcd.api.AuthUserChangePasswordResponse;
import dev.fakeetcd.api.AuthUserDeleteRequest;
import dev.fakeetcd.api.AuthUserDeleteResponse;
import dev.fakeetcd.api.AuthUserGetRequest;
import dev.fakeetcd.api.AuthUserGetResponse;
import dev.fakeetcd.api.AuthUserGrantRoleRequest;
import dev.fakeetcd.api.AuthUserGrantRoleResponse;
import dev.fakeetcd.api.AuthUserListResponse;
import dev.fakeetcd.api.AuthUserRevokeRoleRequest;
import dev.fakeetcd.api.AuthUserRevokeRoleResponse;
import dev.fakeetcd.api.AuthenticateResponse;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.api.Role;
import dev.fakeetcd.api.User;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One member's replicated auth state, etcd 3.4's {@code authStore} ({@code auth/store.go}):
 * whether auth is on, the auth revision, users (bcrypt hash, roles, options) and roles (key
 * permissions); each change applied in log order on every member, so every member holds the same.
 * The mutating methods are what applying an auth entry does; they answer without a header (the
 * caller adds it) or throw etcd's error. The checks are etcd's {@code isOpPermitted} and
 * {@code IsAdminPermitted}. Token side effects go to this member's {@link TokenProvider}.
 * Deterministic; called under the cluster lock.
 */
public final class AuthStore {

  private static final String ROOT = "root";
  private static final Comparator<ByteString> BYTES =
      ByteString.unsignedLexicographicalComparator();

  /** Go's string order, by UTF-8 bytes, which is code point order (not Java's UTF-16 order). */
  private static final Comparator<String> NAME_ORDER = (a, b) -> {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  };

  private final TokenProvider tokens;
  private boolean enabled;
  private long revision = 1;
  private final TreeMap<String, User> users = new TreeMap<>(NAME_ORDER);
  private final TreeMap<String, Role> roles = new TreeMap<>(NAME_ORDER);
  /** etcd's {@code rangePermCache}: built per user on first use after a change, only looked up. */
  private final Map<String, RangePermissions> permissions = new HashMap<>();

  /** A fresh store (auth off, revision 1) whose token side effects go to {@code tokens}. */
  public AuthStore(TokenProvider tokens) {
    this.tokens = tokens;
  }

  /** This member's token provider. */
  public TokenProvider tokens() {
    return tokens;
  }

  /** Whether auth is on. */
  public boolean isEnabled() {
    return enabled;
  }

  /** The auth revision: 1 on a fresh store, one more for every change but enabling auth. */
  public long revision() {
    return revision;
  }

  // ---- apply ----

  /**
   * Turns auth on: user {@code root} must exist (ROOT_USER_NOT_EXIST) and hold role {@code root}
   * (ROOT_ROLE_NOT_EXIST). Already on: nothing happens. Unlike every other change, etcd 3.4
   * does not bump the auth revision here.
   */
  public AuthEnableResponse enable() {
    if (enabled) {
      return AuthEnableResponse.getDefaultInstance();
    }
    User root = users.get(ROOT);
    if (root == null) {
      throw EtcdError.ROOT_USER_NOT_EXIST.toException();
    }
    if (!hasRootRole(root)) {
      throw EtcdError.ROOT_ROLE_NOT_EXIST.toException();
    }
    enabled = true;
    tokens.enable();
    return AuthEnableResponse.getDefaultInstance();
  }

  /** Turns auth off, dropping the tokens; already off: nothing happens. */
  public AuthDisableResponse disable() {
    if (!enabled) {
      return AuthDisableResponse.getDefaultInstance();
    }
    enabled = false;
    changed();
    tokens.disable();
    return AuthDisableResponse.getDefaultInstance();
  }

  /** etcd 3.5's AuthStatus: enabled and the auth revision. */
  public AuthStatusResponse status() {
    return AuthStatusResponse.newBuilder().setEnabled(enabled).setAuthRevision(revision).build();
  }

  /**
   * Applies an Authenticate entry (password already checked by the caller): the token for
   * {@code name}, from {@link TokenProvider#assign}.
   */
  public AuthenticateResponse authenticate(String name, String prefix, long index) {
    if (!enabled) {
      throw EtcdError.AUTH_NOT_ENABLED.toException();
    }
    User user = users.get(name);
    if (user == null || user.getOptions().getNoPassword()) {
      throw EtcdError.AUTH_FAILED.toException();
    }
    return AuthenticateResponse.newBuilder()
        .setToken(tokens.assign(name, revision, prefix, index)).build();
  }

  /** {@code request} carries the bcrypt hash in {@code hashedPassword} (or no_password). */
  public AuthUserAddResponse userAdd(AuthUserAddRequest request) {
    String name = request.getName();
    if (name.isEmpty()) {
      throw EtcdError.USER_EMPTY.toException();
    }
    if (users.containsKey(name)) {
      throw EtcdError.USER_ALREADY_EXIST.toException();
    }
    boolean noPassword = request.getOptions().getNoPassword();
    users.put(name, User.newBuilder()
        .setName(ByteString.copyFromUtf8(name))
        .setPassword(noPassword ? ByteString.EMPTY
            : ByteString.copyFromUtf8(request.getHashedPassword()))
        .setOptions(request.getOptions())
        .build());
    changed();
    return AuthUserAddResponse.getDefaultInstance();
  }

  /** Deletes a user and its tokens; user {@code root} while auth is on: INVALID_AUTH_MGMT. */
  public AuthUserDeleteResponse userDelete(AuthUserDeleteRequest request) {
    String name = request.getName();
    if (enabled && name.equals(ROOT)) {
      throw EtcdError.INVALID_AUTH_MGMT.toException();
    }
    if (users.remove(name) == null) {
      throw EtcdError.USER_NOT_FOUND.toException();
    }
    changed();
    tokens.invalidateUser(name);
    return AuthUserDeleteResponse.getDefaultInstance();
  }

  /** {@code request} carries the bcrypt hash in {@code hashedPassword}. */
  public AuthUserChangePasswordResponse userChangePassword(AuthUserChangePasswordRequest request) {
    String name = request.getName();
    User user = user(name);
    users.put(name, user.toBuilder()
        .setPassword(ByteString.copyFromUtf8(request.getHashedPassword())).build());
    changed();
    tokens.invalidateUser(name);
    return AuthUserChangePasswordResponse.getDefaultInstance();
  }

  /**
   * Grants a role, kept in name order; role {@code root} needs no role of that name. A role the
   * user already holds changes nothing (no new revision).
   */
  public AuthUserGrantRoleResponse userGrantRole(AuthUserGrantRoleRequest request) {
    User user = user(request.getUser());
    String role = request.getRole();
    if (!role.equals(ROOT) && !roles.containsKey(role)) {
      throw EtcdError.ROLE_NOT_FOUND.toException();
    }
    int at = Collections.binarySearch(user.getRolesList(), role, NAME_ORDER);
    if (at >= 0) {
      return AuthUserGrantRoleResponse.getDefaultInstance();
    }
    List<String> held = new ArrayList<>(user.getRolesList());
    held.add(-at - 1, role);
    users.put(request.getUser(), user.toBuilder().clearRoles().addAllRoles(held).build());
    changed();
    return AuthUserGrantRoleResponse.getDefaultInstance();
  }

  /** Revokes a role; role {@code root} of user {@code root} while auth is on: INVALID_AUTH_MGMT. */
  public AuthUserRevokeRoleResponse userRevokeRole(AuthUserRevokeRoleRequest request) {
    String name = request.getName();
    if (enabled && name.equals(ROOT) && request.getRole().equals(ROOT)) {
      throw EtcdError.INVALID_AUTH_MGMT.toException();
    }
    User user = user(name);
    if (!user.getRolesList().contains(request.getRole())) {
      throw EtcdError.ROLE_NOT_GRANTED.toException();
    }
    users.put(name, without(user, request.getRole()));
    changed();
    return AuthUserRevokeRoleResponse.getDefaultInstance();
  }

  /** A user's roles, in name order. */
  public AuthUserGetResponse userGet(AuthUserGetRequest request) {
    return AuthUserGetResponse.newBuilder()
        .addAllRoles(user(request.getName()).getRolesList()).build();
  }

  /** Every user name, in name order. */
  public AuthUserListResponse userList() {
    return AuthUserListResponse.newBuilder().addAllUsers(users.keySet()).build();
  }

  /** Adds a role without permissions. */
  public AuthRoleAddResponse roleAdd(AuthRoleAddRequest request) {
    String name = request.getName();
    if (name.isEmpty()) {
      throw EtcdError.ROLE_EMPTY.toException();
    }
    if (roles.containsKey(name)) {
      throw EtcdError.ROLE_ALREADY_EXIST.toException();
    }
    roles.put(name, Role.newBuilder().setName(ByteString.copyFromUtf8(name)).build());
    changed();
    return AuthRoleAddResponse.getDefaultInstance();
  }

  /** A role's permissions, in key order. */
  public AuthRoleGetResponse roleGet(AuthRoleGetRequest request) {
    return AuthRoleGetResponse.newBuilder()
        .addAllPerm(role(request.getRole()).getKeyPermissionList()).build();
  }

  /** Every role name, in name order. */
  public AuthRoleListResponse roleList() {
    return AuthRoleListResponse.newBuilder().addAllRoles(roles.keySet()).build();
  }

  /**
   * Deletes a role and takes it from every user holding it (one revision for all); role
   * {@code root} while auth is on: INVALID_AUTH_MGMT.
   */
  public AuthRoleDeleteResponse roleDelete(AuthRoleDeleteRequest request) {
    String name = request.getRole();
    if (enabled && name.equals(ROOT)) {
      throw EtcdError.INVALID_AUTH_MGMT.toException();
    }
    if (roles.remove(name) == null) {
      throw EtcdError.ROLE_NOT_FOUND.toException();
    }
    for (Map.Entry<String, User> e : users.entrySet()) {
      if (e.getValue().getRolesList().contains(name)) {
        e.setValue(without(e.getValue(), name));
      }
    }
    changed();
    return AuthRoleDeleteResponse.getDefaultInstance();
  }

  /**
   * Grants a permission, as etcd does it: if the first permission whose key is not below the new
   * one has the same key and range end, it takes the new type; otherwise the permission is added
   * after those with a key at or below its own (so two of the same key and range end can both be
   * there). The type number is kept as sent, known or not. A request without a permission
   * (which etcd 3.4.23 dereferences and crashes on) gets the answer of later releases.
   */
  public AuthRoleGrantPermissionResponse roleGrantPermission(
      AuthRoleGrantPermissionRequest request) {
    if (!request.hasPerm()) {
      throw EtcdError.PERMISSION_NOT_GIVEN.toException();
    }
    Role role = role(request.getName());
    Permission perm = request.getPerm();
    List<Permission> perms = new ArrayList<>(role.getKeyPermissionList());
    int first = 0;
    while (first < perms.size() && BYTES.compare(perms.get(first).getKey(), perm.getKey()) < 0) {
      first++;
    }
    if (first < perms.size() && perms.get(first).getKey().equals(perm.getKey())
        && perms.get(first).getRangeEnd().equals(perm.getRangeEnd())) {
      perms.set(first, perms.get(first).toBuilder().setPermTypeValue(perm.getPermTypeValue())
          .build());
    } else {
      // etcd appends and sorts by key with Go's sort.Sort, which keeps equal keys in grant order
      // for up to 12 permissions but may reorder them beyond; here they always stay in order
      int at = first;
      while (at < perms.size() && perms.get(at).getKey().equals(perm.getKey())) {
        at++;
      }
      perms.add(at, Permission.newBuilder().setPermTypeValue(perm.getPermTypeValue())
          .setKey(perm.getKey()).setRangeEnd(perm.getRangeEnd()).build());
    }
    roles.put(request.getName(), role.toBuilder().clearKeyPermission().addAllKeyPermission(perms)
        .build());
    changed();
    return AuthRoleGrantPermissionResponse.getDefaultInstance();
  }

  /** Revokes every permission of exactly this key and range end. */
  public AuthRoleRevokePermissionResponse roleRevokePermission(
      AuthRoleRevokePermissionRequest request) {
    Role role = role(request.getRole());
    List<Permission> kept = new ArrayList<>();
    for (Permission p : role.getKeyPermissionList()) {
      if (!p.getKey().equals(request.getKey()) || !p.getRangeEnd().equals(request.getRangeEnd())) {
        kept.add(p);
      }
    }
    if (kept.size() == role.getKeyPermissionCount()) {
      throw EtcdError.PERMISSION_NOT_GRANTED.toException();
    }
    roles.put(request.getRole(), role.toBuilder().clearKeyPermission().addAllKeyPermission(kept)
        .build());
    changed();
    return AuthRoleRevokePermissionResponse.getDefaultInstance();
  }

  // ---- checks ----

  /**
   * etcd's {@code CheckPassword} before an Authenticate is proposed: the auth revision the check
   * saw and the user's bcrypt hash, to compare outside the lock. Throws AUTH_NOT_ENABLED,
   * AUTH_FAILED (unknown user) or AUTH_NO_PASSWORD_USER.
   */
  public PasswordCheck passwordCheck(String name) {
    if (!enabled) {
      throw EtcdError.AUTH_NOT_ENABLED.toException();
    }
    User user = users.get(name);
    if (user == null) {
      throw EtcdError.AUTH_FAILED.toException();
    }
    if (user.getOptions().getNoPassword()) {
      throw EtcdError.AUTH_NO_PASSWORD_USER.toException();
    }
    return new PasswordCheck(revision, user.getPassword().toStringUtf8());
  }

  /** What {@link #passwordCheck} hands the caller. */
  public record PasswordCheck(long revision, String hash) {
  }

  /** etcd's {@code IsAdminPermitted}: USER_EMPTY, USER_NOT_FOUND, PERMISSION_DENIED. */
  public void checkAdmin(AuthInfo who) {
    if (!enabled) {
      return;
    }
    if (who.username().isEmpty()) {
      throw EtcdError.USER_EMPTY.toException();
    }
    User user = users.get(who.username());
    if (user == null) {
      throw EtcdError.USER_NOT_FOUND.toException();
    }
    if (!hasRootRole(user)) {
      throw EtcdError.PERMISSION_DENIED.toException();
    }
  }

  /** READ on {@code [key, rangeEnd)} (an empty end: the key alone; {@code \0}: open end). */
  public void checkRange(AuthInfo who, ByteString key, ByteString rangeEnd) {
    checkOp(who, key, rangeEnd, false);
  }

  /** WRITE on {@code key}. */
  public void checkPut(AuthInfo who, ByteString key) {
    checkOp(who, key, ByteString.EMPTY, true);
  }

  /** WRITE on {@code [key, rangeEnd)}. */
  public void checkDeleteRange(AuthInfo who, ByteString key, ByteString rangeEnd) {
    checkOp(who, key, rangeEnd, true);
  }

  /**
   * etcd's {@code isOpPermitted}: no token (revision 0) USER_EMPTY, a token from before the last
   * auth change AUTH_OLD_REVISION, then PERMISSION_DENIED unless the user holds role root or its
   * roles grant the range.
   */
  private void checkOp(AuthInfo who, ByteString key, ByteString rangeEnd, boolean write) {
    if (!enabled) {
      return;
    }
    if (who.revision() == 0) {
      throw EtcdError.USER_EMPTY.toException();
    }
    if (Long.compareUnsigned(who.revision(), revision) < 0) {
      throw EtcdError.AUTH_OLD_REVISION.toException();
    }
    User user = users.get(who.username());
    if (user == null) {
      throw EtcdError.PERMISSION_DENIED.toException();
    }
    if (hasRootRole(user)) {
      return;
    }
    if (!permissions.computeIfAbsent(who.username(), name -> merged(user))
        .permits(key, rangeEnd, write)) {
      throw EtcdError.PERMISSION_DENIED.toException();
    }
  }

  /** etcd's {@code getMergedPerms}: each role's permissions, roles in the user's order. */
  private RangePermissions merged(User user) {
    RangePermissions merged = new RangePermissions();
    for (String name : user.getRolesList()) {
      Role role = roles.get(name);
      if (role != null) {
        role.getKeyPermissionList().forEach(merged::add);
      }
    }
    return merged;
  }

  /** Whether {@code user} exists and holds {@code role} (RoleGet by a non-admin). */
  public boolean hasRole(String user, String role) {
    User u = users.get(user);
    return u != null && u.getRolesList().contains(role);
  }

  /**
   * For the front door and tests: a user's bcrypt hash, if the user exists (empty text for a
   * no_password user).
   */
  public Optional<String> passwordHash(String user) {
    return Optional.ofNullable(users.get(user)).map(u -> u.getPassword().toStringUtf8());
  }

  // ---- snapshots ----

  /** Writes enabled, revision, users and roles (in name order) for a snapshot. */
  public void writeTo(CodedOutputStream out) throws IOException {
    out.writeBoolNoTag(enabled);
    out.writeUInt64NoTag(revision);
    out.writeUInt32NoTag(users.size());
    for (User u : users.values()) {
      out.writeMessageNoTag(u);
    }
    out.writeUInt32NoTag(roles.size());
    for (Role r : roles.values()) {
      out.writeMessageNoTag(r);
    }
  }

  /**
   * Replaces this store's state with what {@link #writeTo} wrote; tokens follow enabled as in
   * etcd's {@code Recover}: enabled turns the provider on, disabled leaves it as it was.
   */
  public void readFrom(CodedInputStream in) throws IOException {
    boolean on = in.readBool();
    long rev = in.readUInt64();
    TreeMap<String, User> readUsers = new TreeMap<>(NAME_ORDER);
    for (int n = in.readUInt32(); n > 0; n--) {
      User u = in.readMessage(User.parser(), ExtensionRegistryLite.getEmptyRegistry());
      readUsers.put(u.getName().toStringUtf8(), u);
    }
    TreeMap<String, Role> readRoles = new TreeMap<>(NAME_ORDER);
    for (int n = in.readUInt32(); n > 0; n--) {
      Role r = in.readMessage(Role.parser(), ExtensionRegistryLite.getEmptyRegistry());
      readRoles.put(r.getName().toStringUtf8(), r);
    }
    enabled = on;
    revision = rev;
    users.clear();
    users.putAll(readUsers);
    roles.clear();
    roles.putAll(readRoles);
    permissions.clear();
    if (on) {
      tokens.enable();
    }
  }

  // ---- helpers ----

  /** One more auth revision; the merged permissions are rebuilt on next use. */
  private void changed() {
    revision++;
    permissions.clear();
  }

  private User user(String name) {
    User user = users.get(name);
    if (user == null) {
      throw EtcdError.USER_NOT_FOUND.toException();
    }
    return user;
  }

  private Role role(String name) {
    Role role = roles.get(name);
    if (role == null) {
      throw EtcdError.ROLE_NOT_FOUND.toException();
    }
    return role;
  }

  private static User without(User user, String role) {
    List<String> kept = new ArrayList<>(user.getRolesList());
    kept.removeIf(role::equals);
    return user.toBuilder().clearRoles().addAllRoles(kept).build();
  }

  /** Whether the user holds role root, which bypasses every key permission. */
  private static boolean hasRootRole(User user) {
    return Collections.binarySearch(user.getRolesList(), ROOT, NAME_ORDER) >= 0;
  }
}
