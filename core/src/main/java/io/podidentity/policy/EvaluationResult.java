package io.podidentity.policy;

import java.util.List;
import java.util.Objects;

/**
 * The decision and the statements that made it: for {@link Decision#EXPLICIT_DENY} the Deny
 * statements that matched; for {@link Decision#ALLOWED} the Allow statements that matched (from
 * identity and, if any, session policies); for {@link Decision#IMPLICIT_DENY} none.
 */
public record EvaluationResult(Decision decision, List<MatchedStatement> matchedStatements) {
  public EvaluationResult {
    Objects.requireNonNull(decision, "decision");
    matchedStatements = List.copyOf(matchedStatements);
  }

  /** True only for {@link Decision#ALLOWED}. */
  public boolean allowed() {
    return decision == Decision.ALLOWED;
  }
}
