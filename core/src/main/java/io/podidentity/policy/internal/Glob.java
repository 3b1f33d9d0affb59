package io.podidentity.policy.internal;

/**
 * Wildcard matching for IAM: {@code *} matches any run of characters (including none, and including
 * {@code /}), {@code ?} exactly one. A pattern is an {@code int[]} of UTF-16 code units in which
 * {@link #STAR} and {@link #QMARK} mark the wildcards, so that a literal {@code *} (from the {@code
 * ${*}} escape or a resolved variable) stays literal.
 *
 * <p>The greedy single-backtrack algorithm runs in O(pattern × text) at worst, never exponential.
 */
public final class Glob {
  /** Marks {@code *}. */
  public static final int STAR = -1;

  /** Marks {@code ?}. */
  public static final int QMARK = -2;

  private Glob() {}

  /** A pattern from text in which every {@code *} and {@code ?} is a wildcard. */
  public static int[] compile(String text) {
    int[] p = new int[text.length()];
    for (int i = 0; i < p.length; i++) {
      char c = text.charAt(i);
      p[i] = c == '*' ? STAR : c == '?' ? QMARK : c;
    }
    return p;
  }

  /** Whether {@code pattern} matches all of {@code text}. */
  public static boolean matches(int[] pattern, String text) {
    return matches(pattern, 0, pattern.length, text, 0, text.length());
  }

  static boolean matches(int[] p, int pFrom, int pTo, String s, int sFrom, int sTo) {
    int pi = pFrom;
    int si = sFrom;
    int starP = -1;
    int starS = -1;
    while (si < sTo) {
      if (pi < pTo && (p[pi] == QMARK || p[pi] == s.charAt(si))) {
        pi++;
        si++;
      } else if (pi < pTo && p[pi] == STAR) {
        starP = pi++;
        starS = si;
      } else if (starP >= 0) {
        pi = starP + 1;
        si = ++starS;
      } else {
        return false;
      }
    }
    while (pi < pTo && p[pi] == STAR) {
      pi++;
    }
    return pi == pTo;
  }

  /**
   * ARN matching as the ArnLike operator and the Resource element do it: each of the six
   * colon-separated components is matched separately (the sixth, the resource id, may itself
   * contain colons). A pattern with fewer than six components matches only if it is {@code *}.
   */
  public static boolean matchesArn(int[] p, String s) {
    int[] pc = new int[6];
    int pn = 0;
    for (int i = 0; i < p.length && pn < 5; i++) {
      if (p[i] == ':') {
        pc[pn++] = i;
      }
    }
    if (pn < 5) {
      // Not an ARN pattern: only a lone "*" matches (any ARN); anything else cannot match.
      return p.length == 1 && p[0] == STAR;
    }
    int[] sc = new int[6];
    int sn = 0;
    for (int i = 0; i < s.length() && sn < 5; i++) {
      if (s.charAt(i) == ':') {
        sc[sn++] = i;
      }
    }
    if (sn < 5) {
      return false;
    }
    int pStart = 0;
    int sStart = 0;
    for (int k = 0; k < 6; k++) {
      int pEnd = k < 5 ? pc[k] : p.length;
      int sEnd = k < 5 ? sc[k] : s.length();
      if (!matches(p, pStart, pEnd, s, sStart, sEnd)) {
        return false;
      }
      pStart = pEnd + 1;
      sStart = sEnd + 1;
    }
    return true;
  }
}
