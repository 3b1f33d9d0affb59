package io.podidentity.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MiniJsonTest {

  @Test
  void readsObjectsArraysAndScalars() {
    Object v =
        MiniJson.parse(" {\"a\":[1,-2.5e3,true,false,null],\"b\":{\"c\":\"x\\\"y\\u00e9\\n\"}} ");

    assertThat(v).isInstanceOf(Map.class);
    @SuppressWarnings("unchecked")
    List<Object> a = (List<Object>) MiniJson.get(v, "a");
    assertThat(a)
        .containsExactly(
            new BigDecimal("1"), new BigDecimal("-2.5e3"), Boolean.TRUE, Boolean.FALSE, null);
    assertThat(MiniJson.get(MiniJson.get(v, "b"), "c")).isEqualTo("x\"yé\n");
  }

  @Test
  void rejectsTrailingGarbage() {
    assertThatThrownBy(() -> MiniJson.parse("{} x")).isInstanceOf(MiniJson.MalformedJson.class);
  }

  @Test
  void rejectsUnterminatedInput() {
    assertThatThrownBy(() -> MiniJson.parse("{\"a\":\"b"))
        .isInstanceOf(MiniJson.MalformedJson.class);
    assertThatThrownBy(() -> MiniJson.parse("[1,")).isInstanceOf(MiniJson.MalformedJson.class);
  }

  @Test
  void rejectsDeepNesting() {
    assertThatThrownBy(() -> MiniJson.parse("[".repeat(100) + "]".repeat(100)))
        .isInstanceOf(MiniJson.MalformedJson.class)
        .hasMessageContaining("deeper");
  }

  @Test
  void rejectsBareControlCharactersInStrings() {
    assertThatThrownBy(() -> MiniJson.parse("\"a\nb\"")).isInstanceOf(MiniJson.MalformedJson.class);
  }
}
