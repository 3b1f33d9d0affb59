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

  private static final NamedPolicy ADMIN_POLICY =
      new NamedPolicy(
          "podidentity-admin",
          PolicyDocument.parse(
              "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
                  + "\"Resource\":\"*\"}]}",
              PolicyKind.IDENTITY));

  private static final NamedPolicy AGENT_POLICY =
      new NamedPolicy(
          "podidentity-agent",
          PolicyDocument.parse(
              "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
                  + "\"eks-auth:AssumeRoleForPodIdentity\",\"Resource\":\"*\"}]}",
              PolicyKind.IDENTITY));

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
    Policies p = policiesOf(caller);
    RequestContext.Builder ctx = context(caller).action(action).resource(resourceArn);
    keys.forEach(ctx::key);
    return PolicyEvaluator.evaluate(p.identity(), p.session(), ctx.build());
  }

  /**
   * A caller's policies: its identity policies and its session policies. The administrator's is an
   * allow-all policy and the agent's allows only eks-auth:AssumeRoleForPodIdentity (what {@link
   * Authorizer#builtinKeys()} decides); a role session has its role's inline policies and its
   * session policy — none at all once its role is gone (a role re-created under the same name is
   * another role).
   */
  public Policies policiesOf(Caller caller) {
    return switch (caller.kind()) {
      case ADMIN -> new Policies(List.of(ADMIN_POLICY), List.of());
      case AGENT -> new Policies(List.of(AGENT_POLICY), List.of());
      case ROLE_SESSION -> {
        Optional<SessionData> data = SessionData.of(caller);
        Optional<Role> role = caller.roleArn().flatMap(roles::findByArn);
        if (role.isEmpty() || data.isEmpty() || !role.get().id().equals(data.get().roleId())) {
          yield new Policies(List.of(), List.of());
        }
        yield new Policies(
            roles.policies(role.get()),
            data.get().sessionPolicy().map(sp -> List.of(sessionPolicy(sp))).orElse(List.of()));
      }
    };
  }

  /**
   * The request context of a caller, less action and resource: a role session is an assumed role
   * with its role's ARN and its principal tags (role tags overridden by session tags); the keys of
   * this server are IAM users.
   */
  public RequestContext.Builder context(Caller caller) {
    RequestContext.Builder ctx =
        RequestContext.builder().principalAccount(caller.accountId()).requestTime(clock.instant());
    if (caller.kind() != Caller.Kind.ROLE_SESSION) {
      return ctx.principal(PrincipalType.USER, caller.arn());
    }
    ctx.principal(PrincipalType.ASSUMED_ROLE, caller.arn());
    caller.roleArn().ifPresent(ctx::roleArn);
    Optional<Role> role = caller.roleArn().flatMap(roles::findByArn);
    ctx.principalTags(role.map(r -> principalTags(r, caller)).orElse(caller.sessionTags()));
    SessionData.of(caller)
        .flatMap(SessionData::sourceIdentity)
        .ifPresent(s -> ctx.key("aws:SourceIdentity", s));
    return ctx;
  }

  /** A caller's identity policies and session policies (empty: no session policy). */
  public record Policies(List<NamedPolicy> identity, List<NamedPolicy> session) {
    public Policies {
      identity = List.copyOf(identity);
      session = List.copyOf(session);
    }
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
