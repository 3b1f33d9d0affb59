package io.podidentity.policy.internal;

import io.podidentity.policy.Effect;
import java.util.List;

/** The validated, immutable form of a policy document that the evaluator works on. */
public final class Model {
  private Model() {}

  /** A whole document. {@code variables} is false for Version 2008-10-17 (or no Version). */
  public record Policy(String version, String id, boolean variables, List<Statement> statements) {
    public Policy {
      statements = List.copyOf(statements);
    }
  }

  /**
   * One statement. {@code principals} is null when the statement has neither Principal nor
   * NotPrincipal; {@code resources} is null in trust policies. Actions are lower-cased patterns.
   */
  public record Statement(
      String sid,
      int index,
      Effect effect,
      Principals principals,
      boolean notPrincipal,
      List<int[]> actions,
      boolean notAction,
      List<Template> resources,
      boolean notResource,
      List<Clause> conditions,
      Json.Pos start,
      Json.Pos end) {}

  /** The Principal (or NotPrincipal) element. {@code anyone} is {@code "*"} or {"AWS":"*"}. */
  public record Principals(
      boolean anyone, List<String> aws, List<String> service, List<String> federated) {}

  /**
   * One key under one operator ({@code key} lower-cased for lookups). {@code templates} holds the
   * values of string and ARN operators; {@code typed} the parsed values of the other families
   * (BigDecimal, Instant, Boolean, byte[], Cidr).
   */
  public record Clause(
      Operator op,
      Operator.Qualifier qualifier,
      boolean ifExists,
      String key,
      String keyAsWritten,
      List<Template> templates,
      List<Object> typed) {}
}
