package com.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.junit.EtcdTest;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The fake's dependencies and the project's own live side by side: neither sees the other's. */
class ClassPathTest {

  @Test
  void grpc_isJetcdsOwn() throws Exception {
    assertThat(jarOf(ManagedChannel.class).getFileName().toString())
        .isEqualTo("grpc-api-1.41.0.jar");
  }

  @Test
  void relocatedJar_holdsNoClassOutsideDevFakeetcd() throws Exception {
    try (JarFile jar = new JarFile(jarOf(EtcdTest.class).toFile())) {
      assertThat(jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")))
          .isNotEmpty()
          .allMatch(n -> n.startsWith("dev/fakeetcd/"));
    }
  }

  private static Path jarOf(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
