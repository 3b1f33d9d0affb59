package io.podidentity.policy.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON tree for policy documents, read with Jackson's streaming parser so that we keep
 * what a generic tree would lose: the line/column where each object starts and ends (for
 * SimulatePrincipalPolicy's MatchedStatements), numbers as their source text (never converted, so
 * huge numbers cannot cost anything) and duplicate member names (rejected).
 *
 * <p>Depth is bounded by {@link #MAX_DEPTH}; every failure surfaces as {@link
 * PolicyErrors#syntax()}.
 */
public final class Json {
  /**
   * Deepest nesting a well-formed policy needs is 7 (document/Statement/[]/Condition/op/key/[]).
   */
  public static final int MAX_DEPTH = 16;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH + 2)
                  .maxNumberLength(256)
                  .maxStringLength(1 << 20)
                  .build())
          .build();

  private Json() {}

  /** A 1-based line and column in the document text. */
  public record Pos(int line, int column) {
    static Pos of(JsonLocation l) {
      return new Pos(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }
  }

  /** A JSON value. */
  public sealed interface Node permits Obj, Arr, Str, Num, Bool, Null {}

  /** An object; member order is kept; {@code start}/{@code end} are its braces. */
  public record Obj(Map<String, Node> members, Pos start, Pos end) implements Node {}

  /** An array. */
  public record Arr(List<Node> items) implements Node {}

  /** A string. */
  public record Str(String value) implements Node {}

  /** A number, as written. */
  public record Num(String text) implements Node {}

  /** {@code true} or {@code false}. */
  public record Bool(boolean value) implements Node {}

  /** {@code null}. */
  public record Null() implements Node {}

  /** Reads exactly one JSON value from {@code text}; anything else is a syntax error. */
  public static Node read(String text) {
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw PolicyErrors.syntax();
      }
      Node root = value(p, t, 1);
      if (p.nextToken() != null) {
        throw PolicyErrors.syntax();
      }
      return root;
    } catch (IOException | RuntimeException e) {
      if (e instanceof io.podidentity.api.ApiException api) {
        throw api;
      }
      throw PolicyErrors.syntax();
    }
  }

  private static Node value(JsonParser p, JsonToken t, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw PolicyErrors.syntax();
    }
    switch (t) {
      case START_OBJECT -> {
        Pos start = Pos.of(p.currentTokenLocation());
        Map<String, Node> members = new LinkedHashMap<>();
        JsonToken n;
        while ((n = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          Node v = value(p, p.nextToken(), depth + 1);
          if (members.putIfAbsent(name, v) != null) {
            throw PolicyErrors.syntax();
          }
        }
        if (n != JsonToken.END_OBJECT) {
          throw PolicyErrors.syntax();
        }
        Pos end = Pos.of(p.currentTokenLocation());
        return new Obj(Collections.unmodifiableMap(members), start, end);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        JsonToken n;
        while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
          if (n == null) {
            throw PolicyErrors.syntax();
          }
          items.add(value(p, n, depth + 1));
        }
        return new Arr(List.copyOf(items));
      }
      case VALUE_STRING -> {
        return new Str(p.getText());
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return new Num(p.getText());
      }
      case VALUE_TRUE -> {
        return new Bool(true);
      }
      case VALUE_FALSE -> {
        return new Bool(false);
      }
      case VALUE_NULL -> {
        return new Null();
      }
      default -> throw PolicyErrors.syntax();
    }
  }
}
