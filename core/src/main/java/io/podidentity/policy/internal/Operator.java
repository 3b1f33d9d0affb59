package io.podidentity.policy.internal;

import java.util.Locale;

/**
 * The condition operators AWS documents (IAM User Guide, "IAM JSON policy elements: Condition
 * operators",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
 * A negated operator is true when its key is absent, and with several policy values is a NOR.
 */
public enum Operator {
  STRING_EQUALS("StringEquals", Family.STRING, Cmp.EQ, false),
  STRING_NOT_EQUALS("StringNotEquals", Family.STRING, Cmp.EQ, true),
  STRING_EQUALS_IGNORE_CASE("StringEqualsIgnoreCase", Family.STRING_CI, Cmp.EQ, false),
  STRING_NOT_EQUALS_IGNORE_CASE("StringNotEqualsIgnoreCase", Family.STRING_CI, Cmp.EQ, true),
  STRING_LIKE("StringLike", Family.STRING_LIKE, Cmp.EQ, false),
  STRING_NOT_LIKE("StringNotLike", Family.STRING_LIKE, Cmp.EQ, true),
  NUMERIC_EQUALS("NumericEquals", Family.NUMERIC, Cmp.EQ, false),
  NUMERIC_NOT_EQUALS("NumericNotEquals", Family.NUMERIC, Cmp.EQ, true),
  NUMERIC_LESS_THAN("NumericLessThan", Family.NUMERIC, Cmp.LT, false),
  NUMERIC_LESS_THAN_EQUALS("NumericLessThanEquals", Family.NUMERIC, Cmp.LE, false),
  NUMERIC_GREATER_THAN("NumericGreaterThan", Family.NUMERIC, Cmp.GT, false),
  NUMERIC_GREATER_THAN_EQUALS("NumericGreaterThanEquals", Family.NUMERIC, Cmp.GE, false),
  DATE_EQUALS("DateEquals", Family.DATE, Cmp.EQ, false),
  DATE_NOT_EQUALS("DateNotEquals", Family.DATE, Cmp.EQ, true),
  DATE_LESS_THAN("DateLessThan", Family.DATE, Cmp.LT, false),
  DATE_LESS_THAN_EQUALS("DateLessThanEquals", Family.DATE, Cmp.LE, false),
  DATE_GREATER_THAN("DateGreaterThan", Family.DATE, Cmp.GT, false),
  DATE_GREATER_THAN_EQUALS("DateGreaterThanEquals", Family.DATE, Cmp.GE, false),
  BOOL("Bool", Family.BOOL, Cmp.EQ, false),
  BINARY_EQUALS("BinaryEquals", Family.BINARY, Cmp.EQ, false),
  IP_ADDRESS("IpAddress", Family.IP, Cmp.EQ, false),
  NOT_IP_ADDRESS("NotIpAddress", Family.IP, Cmp.EQ, true),
  ARN_EQUALS("ArnEquals", Family.ARN, Cmp.EQ, false),
  ARN_LIKE("ArnLike", Family.ARN, Cmp.EQ, false),
  ARN_NOT_EQUALS("ArnNotEquals", Family.ARN, Cmp.EQ, true),
  ARN_NOT_LIKE("ArnNotLike", Family.ARN, Cmp.EQ, true),
  NULL("Null", Family.NULL, Cmp.EQ, false);

  /** How values are compared. */
  public enum Family {
    STRING,
    STRING_CI,
    STRING_LIKE,
    NUMERIC,
    DATE,
    BOOL,
    BINARY,
    IP,
    ARN,
    NULL;

    /** Whether policy variables may appear in this family's values. */
    public boolean allowsVariables() {
      return this == STRING || this == STRING_CI || this == STRING_LIKE || this == ARN;
    }
  }

  /** The comparison of ordered families. */
  public enum Cmp {
    EQ,
    LT,
    LE,
    GT,
    GE;

    boolean test(int c) {
      return switch (this) {
        case EQ -> c == 0;
        case LT -> c < 0;
        case LE -> c <= 0;
        case GT -> c > 0;
        case GE -> c >= 0;
      };
    }
  }

  private final String awsName;
  private final Family family;
  private final Cmp cmp;
  private final boolean negated;

  Operator(String awsName, Family family, Cmp cmp, boolean negated) {
    this.awsName = awsName;
    this.family = family;
    this.cmp = cmp;
    this.negated = negated;
  }

  /** The name as written in policies. */
  public String awsName() {
    return awsName;
  }

  public Family family() {
    return family;
  }

  public Cmp cmp() {
    return cmp;
  }

  public boolean negated() {
    return negated;
  }

  /** The set qualifier of an operator. */
  public enum Qualifier {
    NONE,
    FOR_ALL_VALUES,
    FOR_ANY_VALUE
  }

  /** A parsed operator name such as {@code ForAnyValue:StringLikeIfExists}. */
  public record Parsed(Operator op, Qualifier qualifier, boolean ifExists) {}

  /** Parses an operator name, case-sensitively as AWS writes them; null if unknown. */
  public static Parsed parse(String name) {
    Qualifier q = Qualifier.NONE;
    String rest = name;
    if (rest.startsWith("ForAllValues:")) {
      q = Qualifier.FOR_ALL_VALUES;
      rest = rest.substring("ForAllValues:".length());
    } else if (rest.startsWith("ForAnyValue:")) {
      q = Qualifier.FOR_ANY_VALUE;
      rest = rest.substring("ForAnyValue:".length());
    }
    boolean ifExists = false;
    if (rest.endsWith("IfExists")) {
      ifExists = true;
      rest = rest.substring(0, rest.length() - "IfExists".length());
    }
    for (Operator op : values()) {
      if (op.awsName.equals(rest)) {
        if (op == NULL && (ifExists || q != Qualifier.NONE)) {
          return null;
        }
        return new Parsed(op, q, ifExists);
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return awsName.toLowerCase(Locale.ROOT);
  }
}
