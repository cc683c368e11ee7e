package com.example.relocated;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.FakeEtcd;
import dev.fakeetcd.junit.EtcdTest;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** quickstart's tests here run on the relocated jar, beside jetcd 0.8.7's own grpc-java. */
class RelocatedJarTest {

  @Test
  void fake_comesFromTheRelocatedJar() throws Exception {
    assertThat(jarOf(EtcdTest.class)).startsWith("fake-etcd-junit5-relocated-");
    assertThat(jarOf(FakeEtcd.class)).isEqualTo(jarOf(EtcdTest.class));
  }

  @Test
  void grpc_isJetcdsOwn() throws Exception {
    assertThat(jarOf(ManagedChannel.class)).isEqualTo("grpc-api-1.82.0.jar");
  }

  private static String jarOf(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI())
        .getFileName().toString();
  }
}
