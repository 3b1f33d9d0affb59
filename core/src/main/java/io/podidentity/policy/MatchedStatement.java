package io.podidentity.policy;

import java.util.Objects;

/**
 * A statement that decided an evaluation, as SimulatePrincipalPolicy reports it in {@code
 * MatchedStatements}: the policy it belongs to, its Sid (null if it has none), its 0-based index in
 * the policy's Statement list, its effect, and where it starts and ends in the policy text (the
 * positions of its opening and closing braces).
 */
public record MatchedStatement(
    String policyName,
    Origin origin,
    String sid,
    int index,
    Effect effect,
    Position start,
    Position end) {

  /** Which set of policies the statement came from. */
  public enum Origin {
    IDENTITY,
    SESSION,
    TRUST
  }

  /** A 1-based line and column in the policy's source text. */
  public record Position(int line, int column) {}

  public MatchedStatement {
    Objects.requireNonNull(policyName, "policyName");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(effect, "effect");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
  }
}
