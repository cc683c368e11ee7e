package dev.fakeetcd.internal.auth;

import static dev.fakeetcd.api.Permission.Type.READ;
import static dev.fakeetcd.api.Permission.Type.READWRITE;
import static dev.fakeetcd.internal.auth.AuthRequests.bs;
import static dev.fakeetcd.internal.auth.AuthRequests.grant;
import static dev.fakeetcd.internal.auth.AuthRequests.grantRole;
import static dev.fakeetcd.internal.auth.AuthRequests.noPasswordUserAdd;
import static dev.fakeetcd.internal.auth.AuthRequests.perm;
import static dev.fakeetcd.internal.auth.AuthRequests.roleAdd;
import static dev.fakeetcd.internal.auth.AuthRequests.roleGet;
import static dev.fakeetcd.internal.auth.AuthRequests.userAdd;
import static dev.fakeetcd.internal.auth.AuthRequests.userGet;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The auth store in a member's snapshot. */
class AuthStoreSnapshotTest {

  private static byte[] snapshot(AuthStore store) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    store.writeTo(out);
    out.flush();
    return bytes.toByteArray();
  }

  private static AuthStore restored(byte[] snapshot, RecordingTokens tokens) throws IOException {
    AuthStore store = new AuthStore(tokens);
    store.readFrom(CodedInputStream.newInstance(snapshot));
    return store;
  }

  /** Auth on; alice (role r: READ a, READWRITE [b, c), type 5 on z), cert without password. */
  private static AuthStore populated(RecordingTokens tokens) {
    AuthStore store = new AuthStore(tokens);
    store.userAdd(userAdd("root"));
    store.userGrantRole(grantRole("root", "root"));
    store.roleAdd(roleAdd("r"));
    store.roleGrantPermission(grant("r", READWRITE, "b", "c"));
    store.roleGrantPermission(grant("r", READ, "a", ""));
    store.roleGrantPermission(grant("r", Permission.newBuilder().setPermTypeValue(5)
        .setKey(bs("z")).build()));
    store.userAdd(userAdd("alice"));
    store.userGrantRole(grantRole("alice", "r"));
    store.userAdd(noPasswordUserAdd("cert"));
    store.enable();
    return store;
  }

  @Test
  void readFrom_restoresFlagRevisionUsersAndRoles() throws IOException {
    AuthStore original = populated(new RecordingTokens());

    AuthStore copy = restored(snapshot(original), new RecordingTokens());

    assertThat(copy.isEnabled()).isTrue();
    assertThat(copy.revision()).isEqualTo(original.revision());
    assertThat(copy.userList()).isEqualTo(original.userList());
    assertThat(copy.userGet(userGet("alice")).getRolesList()).containsExactly("r");
    assertThat(copy.passwordHash("alice")).hasValue("hash-alice");
    assertThat(copy.roleList().getRolesList()).containsExactly("r");
    assertThat(copy.roleGet(roleGet("r")).getPermList()).containsExactly(perm(READ, "a", ""),
        perm(READWRITE, "b", "c"), Permission.newBuilder().setPermTypeValue(5).setKey(bs("z"))
            .build());
  }

  @Test
  void readFrom_keepsNoPasswordUsers() throws IOException {
    AuthStore copy = restored(snapshot(populated(new RecordingTokens())), new RecordingTokens());

    AuthRequests.assertFails(() -> copy.passwordCheck("cert"), EtcdError.AUTH_NO_PASSWORD_USER);
  }

  @Test
  void readFrom_restoredPermissions_areChecked() throws IOException {
    AuthStore copy = restored(snapshot(populated(new RecordingTokens())), new RecordingTokens());

    copy.checkDeleteRange(new AuthInfo("alice", copy.revision()), bs("b"), bs("c"));
    AuthRequests.assertFails(
        () -> copy.checkPut(new AuthInfo("alice", copy.revision()), bs("a")),
        EtcdError.PERMISSION_DENIED);
  }

  @Test
  void writeTo_writesTheSameBytesAgainAfterARestore() throws IOException {
    byte[] first = snapshot(populated(new RecordingTokens()));

    assertThat(snapshot(restored(first, new RecordingTokens()))).isEqualTo(first);
  }

  @Test
  void writeTo_sameStateReachedInAnotherOrder_writesTheSameBytes() throws IOException {
    AuthStore one = new AuthStore(new RecordingTokens());
    one.userAdd(userAdd("b"));
    one.userAdd(userAdd("a"));
    one.roleAdd(roleAdd("y"));
    one.roleAdd(roleAdd("x"));
    AuthStore other = new AuthStore(new RecordingTokens());
    other.roleAdd(roleAdd("x"));
    other.userAdd(userAdd("a"));
    other.roleAdd(roleAdd("y"));
    other.userAdd(userAdd("b"));

    assertThat(snapshot(one)).isEqualTo(snapshot(other));
  }

  @Test
  void readFrom_replacesWhatTheStoreHeld() throws IOException {
    byte[] empty = snapshot(new AuthStore(new RecordingTokens()));
    AuthStore store = populated(new RecordingTokens());

    store.readFrom(CodedInputStream.newInstance(empty));

    assertThat(store.isEnabled()).isFalse();
    assertThat(store.revision()).isEqualTo(1);
    assertThat(store.userList().getUsersList()).isEmpty();
    assertThat(store.roleList().getRolesList()).isEmpty();
  }

  @Test
  void readFrom_enabledSnapshot_enablesTheTokens() throws IOException {
    RecordingTokens tokens = new RecordingTokens();

    restored(snapshot(populated(new RecordingTokens())), tokens);

    assertThat(tokens.calls).containsExactly("enable");
  }

  @Test
  void readFrom_disabledSnapshot_leavesTheTokensAlone() throws IOException {
    RecordingTokens tokens = new RecordingTokens();
    AuthStore store = populated(tokens);
    tokens.calls.clear();

    store.readFrom(CodedInputStream.newInstance(snapshot(new AuthStore(new RecordingTokens()))));

    // etcd's Recover only ever enables its token provider
    assertThat(tokens.calls).isEmpty();
  }

  @Test
  void writeTo_freshStore_writesFlagRevisionAndNoUsersOrRoles() throws IOException {
    assertThat(snapshot(new AuthStore(new RecordingTokens()))).containsExactly(0, 1, 0, 0);
  }
}
