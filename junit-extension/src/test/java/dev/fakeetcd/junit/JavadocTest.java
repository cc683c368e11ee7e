package dev.fakeetcd.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.testing.JavadocCheck;
import org.junit.jupiter.api.Test;

/** The extension's Javadoc: what the published Javadoc jar shows users. */
class JavadocTest {

  @Test
  void extension_everyPublicTypeAndMemberHasAComment() {
    assertThat(JavadocCheck.uncommented("dev.fakeetcd.junit")).isEmpty();
  }
}
