package io.podidentity.policy.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * A policy value that may contain policy variables (IAM User Guide, "IAM policy elements: Variables
 * and tags", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html):
 * {@code ${key}}, {@code ${key, 'default'}} (a doubled {@code ''} is one quote), and the escapes
 * {@code ${*}}, {@code ${?}}, {@code ${$}} for a literal character. Substitution is one pass: a
 * resolved value or default is never scanned again, and its wildcard characters are literal.
 *
 * <p>A variable whose key is absent or multivalued, with no default, cannot be resolved; AWS then
 * treats the statement as not matching, which {@link Unresolved} signals to the evaluator.
 */
public final class Template {
  private sealed interface Part permits Lit, Var {}

  private record Lit(String text, boolean wild) implements Part {}

  private record Var(String key, String written, String defaultValue) implements Part {}

  private final String raw;
  private final List<Part> parts;
  private final boolean constant;
  private final int[] compiled;

  private Template(String raw, List<Part> parts) {
    this.raw = raw;
    this.parts = List.copyOf(parts);
    this.constant = this.parts.stream().allMatch(p -> p instanceof Lit l && l.wild());
    this.compiled = constant ? Glob.compile(raw) : null;
  }

  /** A value with no variables: every character literal except the wildcards. */
  public static Template literal(String raw) {
    return new Template(raw, List.of(new Lit(raw, true)));
  }

  /** Parses {@code raw}; with {@code variables} false (Version 2008-10-17) it is all literal. */
  public static Template parse(String raw, boolean variables) {
    if (!variables || !raw.contains("${")) {
      return literal(raw);
    }
    List<Part> parts = new ArrayList<>();
    StringBuilder lit = new StringBuilder();
    int i = 0;
    while (i < raw.length()) {
      int at = raw.indexOf("${", i);
      if (at < 0) {
        lit.append(raw, i, raw.length());
        break;
      }
      lit.append(raw, i, at);
      int[] end = new int[1];
      Part var = variable(raw, at + 2, end);
      if (var == null) {
        lit.append("${");
        i = at + 2;
        continue;
      }
      if (!lit.isEmpty()) {
        parts.add(new Lit(lit.toString(), true));
        lit.setLength(0);
      }
      parts.add(var);
      i = end[0];
    }
    if (!lit.isEmpty()) {
      parts.add(new Lit(lit.toString(), true));
    }
    return new Template(raw, parts);
  }

  /** Parses the inside of {@code ${...}} from {@code from}; null if it is not a variable. */
  private static Part variable(String s, int from, int[] end) {
    int close = s.indexOf('}', from);
    if (close < 0) {
      return null;
    }
    String inner = s.substring(from, close).strip();
    if (inner.equals("*") || inner.equals("?") || inner.equals("$")) {
      end[0] = close + 1;
      return new Lit(inner, false);
    }
    int comma = s.indexOf(',', from);
    if (comma < 0 || comma > close) {
      if (!validKey(inner)) {
        return null;
      }
      end[0] = close + 1;
      return new Var(inner.toLowerCase(Locale.ROOT), inner, null);
    }
    String key = s.substring(from, comma).strip();
    if (!validKey(key)) {
      return null;
    }
    int i = comma + 1;
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    if (i >= s.length() || s.charAt(i) != '\'') {
      return null;
    }
    StringBuilder def = new StringBuilder();
    i++;
    while (true) {
      if (i >= s.length()) {
        return null;
      }
      char c = s.charAt(i);
      if (c == '\'') {
        if (i + 1 < s.length() && s.charAt(i + 1) == '\'') {
          def.append('\'');
          i += 2;
          continue;
        }
        i++;
        break;
      }
      def.append(c);
      i++;
    }
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    if (i >= s.length() || s.charAt(i) != '}') {
      return null;
    }
    end[0] = i + 1;
    return new Var(key.toLowerCase(Locale.ROOT), key, def.toString());
  }

  private static boolean validKey(String k) {
    if (k.isEmpty() || k.indexOf(':') <= 0) {
      return false;
    }
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      if (c == '$' || c == '{' || c == '}' || c == '\'' || c == ',' || c < 0x20) {
        return false;
      }
    }
    return true;
  }

  /** The text as written in the policy. */
  public String raw() {
    return raw;
  }

  /** The context keys of the variables in this value, as written. */
  public List<String> variableKeys() {
    List<String> out = new ArrayList<>();
    for (Part p : parts) {
      if (p instanceof Var v) {
        out.add(v.written());
      }
    }
    return out;
  }

  /** True when the value has no variables or escapes. */
  public boolean isConstant() {
    return constant;
  }

  /** The resolved value as a wildcard pattern (for Like operators, ARNs and resources). */
  public int[] pattern(Function<String, Optional<List<String>>> lookup) {
    if (constant) {
      return compiled; // shared: Glob never writes to a pattern
    }
    List<int[]> chunks = new ArrayList<>();
    int total = 0;
    for (Part part : parts) {
      int[] chunk;
      if (part instanceof Lit l) {
        chunk = l.wild() ? Glob.compile(l.text()) : chars(l.text());
      } else {
        chunk = chars(resolve((Var) part, lookup));
      }
      chunks.add(chunk);
      total += chunk.length;
    }
    int[] out = new int[total];
    int at = 0;
    for (int[] c : chunks) {
      System.arraycopy(c, 0, out, at, c.length);
      at += c.length;
    }
    return out;
  }

  /** The resolved value as plain text (for equality operators): escapes give their character. */
  public String text(Function<String, Optional<List<String>>> lookup) {
    if (constant) {
      return raw;
    }
    StringBuilder b = new StringBuilder();
    for (Part part : parts) {
      if (part instanceof Lit l) {
        b.append(l.text());
      } else {
        b.append(resolve((Var) part, lookup));
      }
    }
    return b.toString();
  }

  private static String resolve(Var v, Function<String, Optional<List<String>>> lookup) {
    Optional<List<String>> values = lookup.apply(v.key());
    if (values.isPresent() && values.get().size() == 1) {
      return values.get().get(0);
    }
    if (v.defaultValue() != null) {
      return v.defaultValue();
    }
    throw Unresolved.INSTANCE;
  }

  private static int[] chars(String s) {
    int[] p = new int[s.length()];
    for (int i = 0; i < p.length; i++) {
      p[i] = s.charAt(i);
    }
    return p;
  }

  /** Thrown (preallocated, stackless) when a variable cannot be resolved. */
  public static final class Unresolved extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Unresolved INSTANCE = new Unresolved();

    private Unresolved() {
      super("unresolved policy variable", null, false, false);
    }
  }
}
