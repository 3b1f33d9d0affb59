package io.podidentity.iam.internal;

import io.podidentity.api.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Typed access to the parameters of one AWS Query request ({@code Action=...&RoleName=...}),
 * including the Query protocol's lists ({@code Name.member.N}) and structures ({@code
 * Name.member.N.Field}). Constraint failures are ValidationError in IAM/STS's wording.
 */
public final class Params {
  /** Longest list the Query APIs here accept (ActionNames, Tags…), far above AWS's own limits. */
  public static final int MAX_LIST = 1000;

  private final Map<String, String> params;

  public Params(Map<String, String> params) {
    this.params = params;
  }

  public Optional<String> string(String name) {
    return Optional.ofNullable(params.get(name));
  }

  /** A required string; absent is "Member must not be null". */
  public String required(String name, String member) {
    String v = params.get(name);
    if (v == null) {
      throw IamErrors.constraint(member, null, "Member must not be null");
    }
    return v;
  }

  /** Checks length bounds and a pattern of a string parameter. */
  public static String check(
      String member, String value, int min, int max, Pattern pattern, String patternText) {
    if (value.length() < min) {
      throw IamErrors.constraint(
          member, value, "Member must have length greater than or equal to " + min);
    }
    if (value.length() > max) {
      throw IamErrors.constraint(
          member, value, "Member must have length less than or equal to " + max);
    }
    if (pattern != null && !pattern.matcher(value).matches()) {
      throw IamErrors.constraint(
          member, value, "Member must satisfy regular expression pattern: " + patternText);
    }
    return value;
  }

  /** An optional integer within [min, max]. */
  public Optional<Integer> integer(String name, String member, int min, int max) {
    String v = params.get(name);
    if (v == null) {
      return Optional.empty();
    }
    long n;
    try {
      n = Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw IamErrors.constraint(member, v, "Member must be a number");
    }
    if (n < min) {
      throw IamErrors.constraint(
          member, v, "Member must have value greater than or equal to " + min);
    }
    if (n > max) {
      throw IamErrors.constraint(member, v, "Member must have value less than or equal to " + max);
    }
    return Optional.of((int) n);
  }

  /**
   * The list {@code name.member.1 … name.member.N}; numbering must be dense from 1. A bare {@code
   * name=} (how botocore sends an empty list) is an empty list.
   */
  public List<String> list(String name) {
    List<String> out = new ArrayList<>();
    for (int i = 1; ; i++) {
      String v = params.get(name + ".member." + i);
      if (v == null) {
        break;
      }
      if (i > MAX_LIST) {
        throw IamErrors.validation("Too many members in " + name + ".");
      }
      out.add(v);
    }
    return out;
  }

  /** The number of structures {@code name.member.N.*} present, numbered densely from 1. */
  public int structCount(String name, String... fields) {
    int n = 0;
    for (int i = 1; ; i++) {
      boolean any = false;
      for (String f : fields) {
        if (params.containsKey(name + ".member." + i + "." + f)) {
          any = true;
          break;
        }
      }
      if (!any) {
        return n;
      }
      if (i > MAX_LIST) {
        throw IamErrors.validation("Too many members in " + name + ".");
      }
      n = i;
    }
  }

  public Optional<String> field(String name, int index, String field) {
    return Optional.ofNullable(params.get(name + ".member." + index + "." + field));
  }

  public List<String> fieldList(String name, int index, String field) {
    return list(name + ".member." + index + "." + field);
  }

  public boolean has(String name) {
    return params.containsKey(name);
  }

  /** Shortens caller text echoed in an error message. */
  public static String echo(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder();
    int n = Math.min(s.length(), 128);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    if (s.length() > 128) {
      b.append("...");
    }
    return b.toString();
  }

  /** Raised for a parameter this server does not implement, rather than silently ignoring it. */
  public static ApiException unsupported(String name) {
    return IamErrors.invalidInput("The parameter " + name + " is not supported by this server.");
  }
}
