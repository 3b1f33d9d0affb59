package io.podidentity.agent.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader (RFC 8259) for the two documents the agent reads: EKS Auth answers and
 * token payloads. Objects become {@code Map<String,Object>}, arrays {@code List<Object>}, numbers
 * {@link BigDecimal}, plus String, Boolean and {@code null}. Nesting is limited to 32 levels.
 *
 * <p>Why not Jackson: loading Jackson's databind costs the agent ~440 classes of metaspace on every
 * node for two tiny documents (bench/README.md, "Memory").
 */
public final class MiniJson {
  private static final int MAX_DEPTH = 32;

  private final String s;
  private int i;

  private MiniJson(String s) {
    this.s = s;
  }

  /** Thrown for anything that is not a single well-formed JSON value. */
  public static final class MalformedJson extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedJson(String message) {
      super(message, null, false, false);
    }
  }

  public static Object parse(String text) {
    MiniJson p = new MiniJson(text);
    p.ws();
    Object v = p.value(0);
    p.ws();
    if (p.i != text.length()) {
      throw new MalformedJson("trailing characters at " + p.i);
    }
    return v;
  }

  /** The member {@code name} of {@code obj} when obj is an object, else null. */
  public static Object get(Object obj, String name) {
    return obj instanceof Map<?, ?> m ? m.get(name) : null;
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw new MalformedJson("nested deeper than " + MAX_DEPTH);
    }
    if (i >= s.length()) {
      throw new MalformedJson("unexpected end");
    }
    char c = s.charAt(i);
    return switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw new MalformedJson("unexpected '" + c + "' at " + i);
      }
    };
  }

  private Map<String, Object> object(int depth) {
    Map<String, Object> m = new LinkedHashMap<>();
    i++;
    ws();
    if (peek() == '}') {
      i++;
      return m;
    }
    while (true) {
      ws();
      if (peek() != '"') {
        throw new MalformedJson("expected a member name at " + i);
      }
      String k = string();
      ws();
      expect(':');
      ws();
      m.put(k, value(depth + 1));
      ws();
      char c = next();
      if (c == '}') {
        return m;
      }
      if (c != ',') {
        throw new MalformedJson("expected ',' or '}' at " + (i - 1));
      }
    }
  }

  private List<Object> array(int depth) {
    List<Object> l = new ArrayList<>();
    i++;
    ws();
    if (peek() == ']') {
      i++;
      return l;
    }
    while (true) {
      ws();
      l.add(value(depth + 1));
      ws();
      char c = next();
      if (c == ']') {
        return l;
      }
      if (c != ',') {
        throw new MalformedJson("expected ',' or ']' at " + (i - 1));
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder b = null;
    int start = i;
    while (true) {
      if (i >= s.length()) {
        throw new MalformedJson("unterminated string");
      }
      char c = s.charAt(i++);
      if (c == '"') {
        return b == null ? s.substring(start, i - 1) : b.toString();
      }
      if (c < 0x20) {
        throw new MalformedJson("control character in string at " + (i - 1));
      }
      if (c == '\\') {
        if (b == null) {
          b = new StringBuilder(s.substring(start, i - 1));
        }
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw new MalformedJson("bad \\u escape");
            }
            try {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            } catch (NumberFormatException ex) {
              throw new MalformedJson("bad \\u escape");
            }
            i += 4;
          }
          default -> throw new MalformedJson("bad escape at " + (i - 1));
        }
      } else if (b != null) {
        b.append(c);
      }
    }
  }

  private BigDecimal number() {
    int start = i;
    if (peek() == '-') {
      i++;
    }
    digits();
    if (peek() == '.') {
      i++;
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      i++;
      if (peek() == '+' || peek() == '-') {
        i++;
      }
      digits();
    }
    if (i - start > 64) {
      throw new MalformedJson("number too long at " + start);
    }
    return new BigDecimal(s.substring(start, i));
  }

  private void digits() {
    int start = i;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    if (i == start) {
      throw new MalformedJson("expected a digit at " + i);
    }
  }

  private Object literal(String word, Object v) {
    if (!s.startsWith(word, i)) {
      throw new MalformedJson("unexpected token at " + i);
    }
    i += word.length();
    return v;
  }

  private void ws() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      i++;
    }
  }

  private char peek() {
    return i < s.length() ? s.charAt(i) : '\0';
  }

  private char next() {
    if (i >= s.length()) {
      throw new MalformedJson("unexpected end");
    }
    return s.charAt(i++);
  }

  private void expect(char c) {
    if (next() != c) {
      throw new MalformedJson("expected '" + c + "' at " + (i - 1));
    }
  }
}
