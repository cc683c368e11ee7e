package dev.fakeetcd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.testing.JavadocCheck;
import org.junit.jupiter.api.Test;

/** The front door's Javadoc: what the published Javadoc jar shows users. */
class JavadocTest {

  @Test
  void frontDoor_everyPublicTypeAndMemberHasAComment() {
    assertThat(JavadocCheck.uncommented("dev.fakeetcd")).isEmpty();
  }
}
