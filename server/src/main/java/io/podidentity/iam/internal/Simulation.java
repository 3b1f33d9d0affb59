package io.podidentity.iam.internal;

import io.podidentity.iam.IamApi;
import io.podidentity.iam.Role;
import io.podidentity.iam.Roles;
import io.podidentity.iam.Tag;
import io.podidentity.policy.EvaluationResult;
import io.podidentity.policy.MatchedStatement;
import io.podidentity.policy.NamedPolicy;
import io.podidentity.policy.PolicyDocument;
import io.podidentity.policy.PolicyEvaluator;
import io.podidentity.policy.PolicyKind;
import io.podidentity.policy.PrincipalType;
import io.podidentity.policy.RequestContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SimulatePrincipalPolicy for a role (IAM API Reference, SimulatePrincipalPolicy): the role's
 * inline policies and any PolicyInputList documents, evaluated for each action on each resource
 * with the given context entries and the role's tags as {@code aws:PrincipalTag/*}.
 *
 * <p>One EvaluationResult per (action, resource) in request order — what every IAM client reads —
 * each also carrying its ResourceSpecificResults entry when a resource ARN was given, the shape
 * IAM's newer per-action answers use for per-resource decisions.
 */
public final class Simulation {
  private Simulation() {}

  public static String run(Roles roles, Params p, String requestId) {
    String source = p.required("PolicySourceArn", "policySourceArn");
    for (String unsupported :
        List.of(
            "ResourcePolicy",
            "ResourceOwner",
            "PermissionsBoundaryPolicyInputList.member.1",
            "ResourceHandlingOption")) {
      if (p.has(unsupported)) {
        throw Params.unsupported(unsupported.replace(".member.1", ""));
      }
    }
    Role role = role(roles, source);
    List<NamedPolicy> policies = new ArrayList<>();
    Map<String, String> types = new LinkedHashMap<>();
    for (NamedPolicy np : roles.policies(role)) {
      policies.add(np);
      types.put(np.name(), "role");
    }
    List<String> inputs = p.list("PolicyInputList");
    for (int i = 0; i < inputs.size(); i++) {
      String name = "PolicyInputList." + (i + 1);
      policies.add(new NamedPolicy(name, PolicyDocument.parse(inputs.get(i), PolicyKind.IDENTITY)));
      types.put(name, "none");
    }
    List<String> actions = p.list("ActionNames");
    if (actions.isEmpty()) {
      throw IamErrors.constraint("actionNames", null, "Member must not be null");
    }
    for (String a : actions) {
      Params.check("actionNames.member", a, 3, 128, null, null);
    }
    List<String> resources = p.list("ResourceArns");
    for (String r : resources) {
      Params.check("resourceArns.member", r, 1, 2048, null, null);
    }
    boolean anyResource = resources.isEmpty();
    if (anyResource) {
      resources = List.of("*");
    }
    Map<String, List<String>> context = contextEntries(p);
    Optional<String> marker = p.string("Marker");
    int max = p.integer("MaxItems", "maxItems", 1, 1000).orElse(100);
    int start = marker.map(Simulation::decodeMarker).orElse(0);

    // Results are (action, resource) pairs in request order; only the page asked for is
    // evaluated, so a large request cannot make the server evaluate (or hold) them all at once.
    long total = (long) actions.size() * resources.size();
    if (start > total) {
      throw IamErrors.validation("The specified value for marker is not valid.");
    }
    int end = (int) Math.min(total, (long) start + max);
    Xml x = Xml.result("SimulatePrincipalPolicy", IamApi.NAMESPACE, requestId);
    x.bool("IsTruncated", end < total);
    if (end < total) {
      x.text("Marker", encodeMarker(end));
    }
    x.open("EvaluationResults");
    Instant now = Instant.now();
    for (int i = start; i < end; i++) {
      String[] pair = {actions.get(i / resources.size()), resources.get(i % resources.size())};
      RequestContext.Builder ctx =
          RequestContext.builder()
              .principal(PrincipalType.ASSUMED_ROLE, sessionArn(role))
              .roleArn(role.arn())
              .principalAccount(role.accountId())
              .action(pair[0])
              .resource(pair[1])
              .requestTime(now);
      for (Tag t : role.tags()) {
        ctx.principalTag(t.key(), t.value());
      }
      context.forEach(ctx::key);
      RequestContext rc = ctx.build();
      EvaluationResult res = PolicyEvaluator.evaluate(policies, List.of(), rc);
      // Keys the policies refer to that neither the context entries nor the role supply.
      java.util.SortedSet<String> missing = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
      for (NamedPolicy np : policies) {
        for (String k : np.document().contextKeys()) {
          if (rc.values(k).isEmpty()) {
            missing.add(k);
          }
        }
      }
      x.open("member")
          .text("EvalActionName", pair[0])
          .text("EvalResourceName", pair[1])
          .text("EvalDecision", res.decision().awsName());
      matched(x, res, types);
      missing(x, missing);
      if (!anyResource) {
        x.open("ResourceSpecificResults")
            .open("member")
            .text("EvalResourceName", pair[1])
            .text("EvalResourceDecision", res.decision().awsName());
        matched(x, res, types);
        missing(x, missing);
        x.close("member").close("ResourceSpecificResults");
      }
      x.close("member");
    }
    x.close("EvaluationResults");
    return x.done();
  }

  private static void matched(Xml x, EvaluationResult res, Map<String, String> types) {
    if (res.matchedStatements().isEmpty()) {
      x.emptyElement("MatchedStatements");
      return;
    }
    x.open("MatchedStatements");
    for (MatchedStatement m : res.matchedStatements()) {
      x.open("member")
          .text("SourcePolicyId", m.policyName())
          .text("SourcePolicyType", types.getOrDefault(m.policyName(), "none"))
          .open("StartPosition")
          .text("Line", m.start().line())
          .text("Column", m.start().column())
          .close("StartPosition")
          .open("EndPosition")
          .text("Line", m.end().line())
          .text("Column", m.end().column())
          .close("EndPosition")
          .close("member");
    }
    x.close("MatchedStatements");
  }

  private static void missing(Xml x, java.util.SortedSet<String> keys) {
    if (keys.isEmpty()) {
      x.emptyElement("MissingContextValues");
      return;
    }
    x.open("MissingContextValues");
    keys.forEach(k -> x.text("member", k));
    x.close("MissingContextValues");
  }

  private static String sessionArn(Role role) {
    return "arn:aws:sts::" + role.accountId() + ":assumed-role/" + role.name() + "/simulation";
  }

  private static Role role(Roles roles, String arn) {
    String prefix = "arn:aws:iam::" + roles.accountId() + ":role/";
    if (!arn.startsWith(prefix)) {
      throw IamErrors.invalidInput(
          "Invalid ARN: "
              + Params.echo(arn)
              + ". This server simulates the policies of its roles"
              + " (arn:aws:iam::"
              + roles.accountId()
              + ":role/NAME).");
    }
    String name = arn.substring(arn.lastIndexOf('/') + 1);
    return roles.findByArn(arn).orElseThrow(() -> IamErrors.noSuchRole(name));
  }

  /** ContextEntries.member.N.{ContextKeyName, ContextKeyValues.member.M, ContextKeyType}. */
  private static Map<String, List<String>> contextEntries(Params p) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    int n = p.structCount("ContextEntries", "ContextKeyName", "ContextKeyType", "ContextKeyValues");
    for (int i = 1; i <= n; i++) {
      String name =
          p.field("ContextEntries", i, "ContextKeyName")
              .orElseThrow(
                  () ->
                      IamErrors.invalidInput(
                          "ContextKeyName is required for every entry of ContextEntries."));
      Params.check("contextEntries.member.contextKeyName", name, 5, 256, null, null);
      String type = p.field("ContextEntries", i, "ContextKeyType").orElse("string");
      List<String> values = p.fieldList("ContextEntries", i, "ContextKeyValues");
      if (!List.of(
              "string",
              "stringList",
              "numeric",
              "numericList",
              "boolean",
              "booleanList",
              "ip",
              "ipList",
              "binary",
              "binaryList",
              "date",
              "dateList")
          .contains(type)) {
        throw IamErrors.constraint(
            "contextEntries.member.contextKeyType",
            type,
            "Member must satisfy enum value set: [string, stringList, numeric, numericList,"
                + " boolean, booleanList, ip, ipList, binary, binaryList, date, dateList]");
      }
      if (!type.endsWith("List") && values.size() > 1) {
        throw IamErrors.invalidInput(
            "Context key " + Params.echo(name) + " of type " + type + " takes a single value.");
      }
      m.put(name, values);
    }
    return m;
  }

  private static String encodeMarker(int index) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("sim:" + index).getBytes(StandardCharsets.UTF_8));
  }

  private static int decodeMarker(String m) {
    try {
      String s = new String(Base64.getUrlDecoder().decode(m), StandardCharsets.UTF_8);
      if (!s.startsWith("sim:")) {
        throw new IllegalArgumentException();
      }
      return Integer.parseInt(s.substring(4));
    } catch (IllegalArgumentException e) {
      throw IamErrors.validation("The specified value for marker is not valid.");
    }
  }
}
