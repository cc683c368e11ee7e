package dev.fakeetcd.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GoJsonTest {

  @Test
  void valueEnd_stopsAfterOneValue() throws Exception {
    assertThat(GoJson.valueEnd(" {\"a\":[1,2.5e3,true,null]} {}", 0)).isEqualTo(26);
  }

  @Test
  void valueEnd_onlyWhitespaceIsEof() throws Exception {
    assertThat(GoJson.valueEnd(" \n\t", 0)).isEqualTo(-1);
  }

  @Test
  void valueEnd_cutShortIsUnexpectedEof() {
    assertThatThrownBy(() -> GoJson.valueEnd("{\"a\":", 0)).hasMessage("unexpected EOF");
  }

  @Test
  void valueEnd_badKeyNamesItsContext() {
    assertThatThrownBy(() -> GoJson.valueEnd("{'a':1}", 0))
        .hasMessage("invalid character '\\'' looking for beginning of object key string");
  }

  @Test
  void valueEnd_badPairSeparatorNamesItsContext() {
    assertThatThrownBy(() -> GoJson.valueEnd("{\"a\":1;}", 0))
        .hasMessage("invalid character ';' after object key:value pair");
  }

  @Test
  void valueEnd_badNumberNamesItsContext() {
    assertThatThrownBy(() -> GoJson.valueEnd("[1.x]", 0))
        .hasMessage("invalid character 'x' after decimal point in numeric literal");
  }

  @Test
  void valueEnd_controlCharacterInStringIsQuotedAsGo() {
    assertThatThrownBy(() -> GoJson.valueEnd("\"a\u0001\"", 0))
        .hasMessage("invalid character '\\x01' in string literal");
  }

  @Test
  void checkValid_cutShortIsUnexpectedEndOfInput() {
    assertThatThrownBy(() -> GoJson.checkValid("")).hasMessage("unexpected end of JSON input");
  }

  @Test
  void checkValid_secondValueIsAfterTopLevelValue() {
    assertThatThrownBy(() -> GoJson.checkValid("1 2"))
        .hasMessage("invalid character '2' after top-level value");
  }

  @Test
  void quote_escapesAsGoEncoder() {
    assertThat(GoJson.quote("a=b'<&>\b\n\"")).isEqualTo("\"a=b'\\u003c\\u0026\\u003e\\u0008\\n\\\"\"");
  }
}
