package io.podidentity.sts;

import io.podidentity.auth.Authorizer;
import io.podidentity.auth.Caller;
import io.podidentity.iam.Role;
import io.podidentity.iam.Roles;
import io.podidentity.policy.Decision;
import io.podidentity.policy.EvaluationResult;
import io.podidentity.policy.NamedPolicy;
import io.podidentity.policy.PolicyDocument;
import io.podidentity.policy.PolicyEvaluator;
import io.podidentity.policy.PolicyKind;
import io.podidentity.policy.PrincipalType;
import io.podidentity.policy.RequestContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides what a caller may do: the administrator everything, the agent key only
 * eks-auth:AssumeRoleForPodIdentity (as {@link Authorizer#builtinKeys()}), and a role session what
 * its role's inline policies allow, intersected with its session policy, evaluated with the
 * session's tags as {@code aws:PrincipalTag/*} (so {@code ${aws:PrincipalTag/kubernetes-namespace}}
 * works in resources and conditions).
 */
public final class SessionAuthorizer implements Authorizer {
  private static final String SESSION_POLICY_NAME = "SessionPolicy";

  private final Roles roles;
  private final Clock clock;
  private final Authorizer keys = Authorizer.builtinKeys();
  private final Map<String, NamedPolicy> sessionPolicies = new ConcurrentHashMap<>();

  public SessionAuthorizer(Roles roles, Clock clock) {
    this.roles = roles;
    this.clock = clock;
  }

  @Override
  public boolean isAllowed(Caller caller, String action, String resourceArn) {
    return evaluate(caller, action, resourceArn, Map.of()).allowed();
  }

  /**
   * The full decision for a caller, with extra request condition keys (e.g. {@code
   * aws:RequestTag/*} for sts:TagSession).
   */
  public EvaluationResult evaluate(
      Caller caller, String action, String resourceArn, Map<String, List<String>> keys) {
    if (caller.kind() != Caller.Kind.ROLE_SESSION) {
      return this.keys.isAllowed(caller, action, resourceArn)
          ? new EvaluationResult(Decision.ALLOWED, List.of())
          : new EvaluationResult(Decision.IMPLICIT_DENY, List.of());
    }
    Optional<SessionData> data = SessionData.of(caller);
    Optional<Role> role = caller.roleArn().flatMap(roles::findByArn);
    if (role.isEmpty() || data.isEmpty() || !role.get().id().equals(data.get().roleId())) {
      return new EvaluationResult(Decision.IMPLICIT_DENY, List.of());
    }
    RequestContext.Builder ctx =
        RequestContext.builder()
            .principal(PrincipalType.ASSUMED_ROLE, caller.arn())
            .roleArn(role.get().arn())
            .principalAccount(caller.accountId())
            .principalTags(principalTags(role.get(), caller))
            .action(action)
            .resource(resourceArn)
            .requestTime(clock.instant());
    data.get().sourceIdentity().ifPresent(s -> ctx.key("aws:SourceIdentity", s));
    keys.forEach(ctx::key);
    List<NamedPolicy> session =
        data.get().sessionPolicy().map(p -> List.of(sessionPolicy(p))).orElse(List.of());
    return PolicyEvaluator.evaluate(roles.policies(role.get()), session, ctx.build());
  }

  /**
   * A role session's principal tags: the role's tags, overridden by the session tags of the same
   * key (IAM User Guide, "Passing session tags in AWS STS": "session tags override a role tag with
   * the same key").
   */
  static Map<String, String> principalTags(Role role, Caller caller) {
    Map<String, String> tags = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    role.tags().forEach(t -> tags.put(t.key(), t.value()));
    tags.putAll(caller.sessionTags());
    return tags;
  }

  private NamedPolicy sessionPolicy(String text) {
    NamedPolicy hit = sessionPolicies.get(text);
    if (hit != null) {
      return hit;
    }
    NamedPolicy p =
        new NamedPolicy(SESSION_POLICY_NAME, PolicyDocument.parse(text, PolicyKind.IDENTITY));
    if (sessionPolicies.size() > 1000) {
      sessionPolicies.clear();
    }
    sessionPolicies.put(text, p);
    return p;
  }
}
