package dev.fakeetcd.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GoBase64Test {

  @Test
  void firstError_paddedInputDecodes() {
    assertThat(GoBase64.firstError("Zm9vYg==")).isEqualTo(-1);
  }

  @Test
  void firstError_newlinesAreSkipped() {
    assertThat(GoBase64.firstError("Zm9v\r\nYmFy")).isEqualTo(-1);
  }

  @Test
  void firstError_badCharacterIsItsOffset() {
    assertThat(GoBase64.firstError("Zm9v!")).isEqualTo(4);
  }

  @Test
  void firstError_missingPaddingIsQuantumStart() {
    assertThat(GoBase64.firstError("Zm9vYg")).isEqualTo(4);
  }

  @Test
  void firstError_halfPaddingIsEndOfInput() {
    assertThat(GoBase64.firstError("Zm9vYg=")).isEqualTo(7);
  }

  @Test
  void firstError_urlAlphabetIsRefused() {
    assertThat(GoBase64.firstError("a-_b")).isEqualTo(1);
  }

  @Test
  void firstError_dataAfterPaddingIsItsOffset() {
    assertThat(GoBase64.firstError("Zg==Zg==")).isEqualTo(4);
  }
}
