package io.podidentity.policy;

import io.podidentity.policy.MatchedStatement.Origin;
import io.podidentity.policy.MatchedStatement.Position;
import io.podidentity.policy.internal.Engine;
import io.podidentity.policy.internal.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Evaluates policies as IAM does (IAM User Guide, "Policy evaluation logic",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html): a
 * matching Deny anywhere wins (explicit deny); otherwise the request is allowed only if an Allow
 * matches; otherwise it is implicitly denied.
 */
public final class PolicyEvaluator {
  private PolicyEvaluator() {}

  /**
   * Evaluates a principal's identity-based policies and, if any, the session policies of its
   * session. Session policies intersect: with at least one session policy, the request is allowed
   * only if both an identity policy and a session policy allow it. A null or empty {@code session}
   * list means the session has no session policy.
   *
   * @throws IllegalArgumentException if a policy is not of kind {@link PolicyKind#IDENTITY}
   */
  public static EvaluationResult evaluate(
      List<NamedPolicy> identity, List<NamedPolicy> session, RequestContext context) {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(context, "context");
    List<NamedPolicy> sessions = session == null ? List.of() : session;
    List<MatchedStatement> denies = new ArrayList<>();
    List<MatchedStatement> identityAllows = new ArrayList<>();
    List<MatchedStatement> sessionAllows = new ArrayList<>();
    collect(identity, Origin.IDENTITY, context, denies, identityAllows);
    collect(sessions, Origin.SESSION, context, denies, sessionAllows);
    if (!denies.isEmpty()) {
      return new EvaluationResult(Decision.EXPLICIT_DENY, denies);
    }
    if (!identityAllows.isEmpty() && (sessions.isEmpty() || !sessionAllows.isEmpty())) {
      List<MatchedStatement> allows = new ArrayList<>(identityAllows);
      allows.addAll(sessionAllows);
      return new EvaluationResult(Decision.ALLOWED, allows);
    }
    return new EvaluationResult(Decision.IMPLICIT_DENY, List.of());
  }

  /**
   * Evaluates a role's trust policy for a caller that wants to act on the role (the context's
   * action, e.g. {@code sts:AssumeRole} or {@code sts:TagSession}; its resource is ignored): a
   * statement applies when its Principal (or NotPrincipal) and Action match the caller and all its
   * conditions hold. Matched statements are reported with policy name {@code "TrustPolicy"}.
   *
   * @throws IllegalArgumentException if {@code trust} is not of kind {@link PolicyKind#TRUST}
   */
  public static EvaluationResult evaluateTrust(PolicyDocument trust, RequestContext context) {
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(context, "context");
    if (trust.kind() != PolicyKind.TRUST) {
      throw new IllegalArgumentException("not a trust policy");
    }
    List<MatchedStatement> denies = new ArrayList<>();
    List<MatchedStatement> allows = new ArrayList<>();
    scan("TrustPolicy", trust, Origin.TRUST, context, denies, allows);
    if (!denies.isEmpty()) {
      return new EvaluationResult(Decision.EXPLICIT_DENY, denies);
    }
    if (!allows.isEmpty()) {
      return new EvaluationResult(Decision.ALLOWED, allows);
    }
    return new EvaluationResult(Decision.IMPLICIT_DENY, List.of());
  }

  private static void collect(
      List<NamedPolicy> policies,
      Origin origin,
      RequestContext ctx,
      List<MatchedStatement> denies,
      List<MatchedStatement> allows) {
    for (NamedPolicy p : policies) {
      if (p.document().kind() != PolicyKind.IDENTITY) {
        throw new IllegalArgumentException("policy " + p.name() + " is not an identity policy");
      }
      scan(p.name(), p.document(), origin, ctx, denies, allows);
    }
  }

  private static void scan(
      String name,
      PolicyDocument doc,
      Origin origin,
      RequestContext ctx,
      List<MatchedStatement> denies,
      List<MatchedStatement> allows) {
    for (Model.Statement s : doc.model().statements()) {
      if (Engine.applies(s, ctx)) {
        MatchedStatement m =
            new MatchedStatement(
                name,
                origin,
                s.sid(),
                s.index(),
                s.effect(),
                new Position(s.start().line(), s.start().column()),
                new Position(s.end().line(), s.end().column()));
        (s.effect() == Effect.DENY ? denies : allows).add(m);
      }
    }
  }
}
