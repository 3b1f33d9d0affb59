package io.podidentity.policy.internal;

import io.podidentity.policy.PrincipalType;
import io.podidentity.policy.RequestContext;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides whether one statement applies to a request: its action, resource (identity policies),
 * principal (trust policies) and every condition must match. Rules: IAM User Guide, "Policy
 * evaluation logic", "IAM JSON policy elements: Condition operators", "Conditions with multiple
 * context keys or values" (several operators/keys: AND; several values: OR, NOR when negated; set
 * qualifiers), "IAM policy elements: Variables and tags" (an unresolvable variable makes the
 * statement not match) and "IAM JSON policy elements: Principal".
 */
public final class Engine {
  private Engine() {}

  /** Whether {@code s} applies to {@code ctx}. */
  public static boolean applies(Model.Statement s, RequestContext ctx) {
    Function<String, Optional<List<String>>> lookup = ctx::values;
    try {
      if (s.principals() != null && principalMatches(s.principals(), ctx) == s.notPrincipal()) {
        return false;
      }
      if (actionMatches(s.actions(), ctx.action()) == s.notAction()) {
        return false;
      }
      if (s.resources() != null
          && resourceMatches(s.resources(), ctx.resource(), lookup) == s.notResource()) {
        return false;
      }
      for (Model.Clause c : s.conditions()) {
        if (!clause(c, ctx, lookup)) {
          return false;
        }
      }
      return true;
    } catch (Template.Unresolved e) {
      return false;
    }
  }

  /**
   * Whether {@code s} grants to the caller by name: its Principal lists the caller's own ARN (or,
   * for a role session, its role's ARN), as opposed to the caller's account or {@code *}.
   */
  public static boolean namesCaller(Model.Statement s, RequestContext ctx) {
    if (s.principals() == null || s.notPrincipal() || !ctx.principalType().isIamIdentity()) {
      return false;
    }
    for (String v : s.principals().aws()) {
      if (v.equals(ctx.principalArn()) || v.equals(ctx.roleArn())) {
        return true;
      }
    }
    return false;
  }

  static boolean actionMatches(List<int[]> actions, String action) {
    String a = action.toLowerCase(Locale.ROOT);
    for (int[] p : actions) {
      if (Glob.matches(p, a)) {
        return true;
      }
    }
    return false;
  }

  static boolean resourceMatches(
      List<Template> resources, String resource, Function<String, Optional<List<String>>> lookup) {
    for (Template t : resources) {
      if (t.raw().equals("*") || Glob.matchesArn(t.pattern(lookup), resource)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Principal matching (trust policies). {@code *} matches everyone; an account (id or {@code
   * :root} ARN) matches every IAM identity of that account; a user/role/session ARN matches that
   * principal, and a role ARN also matches the role's sessions; a Service matches that service
   * principal; Federated matches that identity provider.
   */
  static boolean principalMatches(Model.Principals p, RequestContext ctx) {
    if (p.anyone()) {
      return true;
    }
    PrincipalType type = ctx.principalType();
    for (String v : p.aws()) {
      if (type.isIamIdentity()) {
        String account = accountPrincipal(v);
        if (account != null) {
          if (account.equals(ctx.principalAccount())) {
            return true;
          }
        } else if (v.equals(ctx.principalArn()) || v.equals(ctx.roleArn())) {
          return true;
        }
      }
    }
    if (type == PrincipalType.SERVICE) {
      for (String v : p.service()) {
        if (v.equalsIgnoreCase(ctx.principalArn())) {
          return true;
        }
      }
    }
    if (type == PrincipalType.WEB_IDENTITY) {
      for (String v : p.federated()) {
        if (v.equals(ctx.principalArn())) {
          return true;
        }
      }
    }
    return false;
  }

  private static String accountPrincipal(String v) {
    if (v.length() == 12 && v.chars().allMatch(Character::isDigit)) {
      return v;
    }
    if (v.endsWith(":root") && v.startsWith("arn:")) {
      String[] parts = v.split(":", 6);
      if (parts.length == 6 && parts[2].equals("iam")) {
        return parts[4];
      }
    }
    return null;
  }

  static boolean clause(
      Model.Clause c, RequestContext ctx, Function<String, Optional<List<String>>> lookup) {
    List<String> values = ctx.values(c.key()).orElse(null);
    boolean present = values != null && !values.isEmpty();
    Operator op = c.op();
    if (op == Operator.NULL) {
      for (Object o : c.typed()) {
        // "true": the key must be absent; "false": present and not null.
        if ((Boolean) o != present) {
          return true;
        }
      }
      return false;
    }
    if (!present && c.ifExists()) {
      return true;
    }
    switch (c.qualifier()) {
      case FOR_ALL_VALUES -> {
        if (!present) {
          return true;
        }
        for (String v : values) {
          if (!valueSatisfies(c, v, lookup)) {
            return false;
          }
        }
        return true;
      }
      case FOR_ANY_VALUE -> {
        if (!present) {
          return false;
        }
        for (String v : values) {
          if (valueSatisfies(c, v, lookup)) {
            return true;
          }
        }
        return false;
      }
      default -> {
        if (!present) {
          return op.negated();
        }
        boolean any = false;
        for (String v : values) {
          if (matchesAnyPolicyValue(c, v, lookup)) {
            any = true;
            break;
          }
        }
        return op.negated() != any;
      }
    }
  }

  /** One context value against the operator: OR over policy values, NOR when negated. */
  private static boolean valueSatisfies(
      Model.Clause c, String v, Function<String, Optional<List<String>>> lookup) {
    return c.op().negated() != matchesAnyPolicyValue(c, v, lookup);
  }

  /**
   * Whether {@code v} matches at least one policy value under the positive form of the operator.
   */
  private static boolean matchesAnyPolicyValue(
      Model.Clause c, String v, Function<String, Optional<List<String>>> lookup) {
    Operator op = c.op();
    switch (op.family()) {
      case STRING -> {
        for (Template t : c.templates()) {
          if (t.text(lookup).equals(v)) {
            return true;
          }
        }
        return false;
      }
      case STRING_CI -> {
        for (Template t : c.templates()) {
          if (t.text(lookup).equalsIgnoreCase(v)) {
            return true;
          }
        }
        return false;
      }
      case STRING_LIKE -> {
        for (Template t : c.templates()) {
          if (Glob.matches(t.pattern(lookup), v)) {
            return true;
          }
        }
        return false;
      }
      case ARN -> {
        for (Template t : c.templates()) {
          if (Glob.matchesArn(t.pattern(lookup), v)) {
            return true;
          }
        }
        return false;
      }
      case NUMERIC -> {
        BigDecimal x = Values.number(v);
        if (x == null) {
          return false;
        }
        for (Object o : c.typed()) {
          if (op.cmp().test(x.compareTo((BigDecimal) o))) {
            return true;
          }
        }
        return false;
      }
      case DATE -> {
        Instant x = Values.date(v);
        if (x == null) {
          return false;
        }
        for (Object o : c.typed()) {
          if (op.cmp().test(x.compareTo((Instant) o))) {
            return true;
          }
        }
        return false;
      }
      case BOOL -> {
        Boolean x = Values.bool(v);
        return x != null && c.typed().contains(x);
      }
      case BINARY -> {
        byte[] x = Values.binary(v);
        if (x == null) {
          return false;
        }
        for (Object o : c.typed()) {
          if (Arrays.equals(x, (byte[]) o)) {
            return true;
          }
        }
        return false;
      }
      case IP -> {
        byte[] x = Values.address(v);
        for (Object o : c.typed()) {
          if (((Values.Cidr) o).contains(x)) {
            return true;
          }
        }
        return false;
      }
      default -> {
        return false;
      }
    }
  }
}
