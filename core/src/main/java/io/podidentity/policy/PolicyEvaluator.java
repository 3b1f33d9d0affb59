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

  /**
   * Decides a request to assume a role as AWS combines the role's trust policy (resource-based)
   * with the caller's identity-based policies ("Policy evaluation logic": "Identity-based and
   * resource-based policies" and "Cross-account policy evaluation logic"):
   *
   * <ul>
   *   <li>an explicit deny in either denies;
   *   <li>a service or federated caller, which has no identity policies, is decided by the trust
   *       policy alone;
   *   <li>an IAM caller in the role's account (the account in {@code context.resource()}, the role
   *       ARN) is allowed if a trust statement that allows names it by ARN (a role session also by
   *       its role's ARN); if the trust policy only trusts its account or {@code *}, its identity
   *       policies must allow the action too;
   *   <li>a caller in another account needs both the trust policy and its identity policies;
   *   <li>the account root ({@link PrincipalType#ACCOUNT}) has every identity permission of its
   *       account.
   * </ul>
   *
   * {@code callerPolicies} are the caller's identity policies (for a role session: its role's
   * policies; session policies are not passed here, intersect them with {@link #evaluate} if
   * needed). The matched statements are those of the deciding policies.
   */
  public static EvaluationResult evaluateAssumeRole(
      PolicyDocument trust, List<NamedPolicy> callerPolicies, RequestContext context) {
    EvaluationResult t = evaluateTrust(trust, context);
    EvaluationResult i =
        context.principalType() == PrincipalType.ACCOUNT
            ? new EvaluationResult(Decision.ALLOWED, List.of())
            : evaluate(callerPolicies, List.of(), context);
    if (t.decision() == Decision.EXPLICIT_DENY || i.decision() == Decision.EXPLICIT_DENY) {
      List<MatchedStatement> denies = new ArrayList<>(t.matchedStatements());
      if (i.decision() == Decision.EXPLICIT_DENY) {
        denies.addAll(i.matchedStatements());
      }
      return new EvaluationResult(
          Decision.EXPLICIT_DENY, denies.stream().filter(m -> m.effect() == Effect.DENY).toList());
    }
    if (!t.allowed()) {
      return new EvaluationResult(Decision.IMPLICIT_DENY, List.of());
    }
    if (!context.principalType().isIamIdentity()) {
      return t;
    }
    String roleAccount = RequestContext.accountOf(context.resource());
    boolean sameAccount = roleAccount != null && roleAccount.equals(context.principalAccount());
    if (sameAccount && namesCaller(trust, context)) {
      return t;
    }
    if (!i.allowed()) {
      return new EvaluationResult(Decision.IMPLICIT_DENY, List.of());
    }
    List<MatchedStatement> allows = new ArrayList<>(t.matchedStatements());
    allows.addAll(i.matchedStatements());
    return new EvaluationResult(Decision.ALLOWED, allows);
  }

  private static boolean namesCaller(PolicyDocument trust, RequestContext ctx) {
    for (Model.Statement s : trust.model().statements()) {
      if (s.effect() == Effect.ALLOW && Engine.namesCaller(s, ctx) && Engine.applies(s, ctx)) {
        return true;
      }
    }
    return false;
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
