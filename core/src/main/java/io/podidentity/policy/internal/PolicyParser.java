package io.podidentity.policy.internal;

import static io.podidentity.policy.internal.PolicyErrors.echo;
import static io.podidentity.policy.internal.PolicyErrors.malformed;

import io.podidentity.api.ApiException;
import io.podidentity.policy.Effect;
import io.podidentity.policy.PolicyKind;
import io.podidentity.policy.internal.Json.Arr;
import io.podidentity.policy.internal.Json.Bool;
import io.podidentity.policy.internal.Json.Node;
import io.podidentity.policy.internal.Json.Num;
import io.podidentity.policy.internal.Json.Obj;
import io.podidentity.policy.internal.Json.Str;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates a policy document as IAM does and builds its {@link Model.Policy}. Grammar and element
 * rules: IAM User Guide, "IAM JSON policy element reference" and "Grammar of the IAM JSON policy
 * language"; principal forms: "IAM JSON policy elements: Principal". Every failure is a {@code
 * MalformedPolicyDocument} {@link ApiException} (400) with the reason; nothing else escapes.
 */
public final class PolicyParser {
  /** Hard cap on the text we are willing to parse at all, far above every IAM quota. */
  public static final int MAX_DOCUMENT_CHARS = 131_072;

  public static final String V2012 = "2012-10-17";
  public static final String V2008 = "2008-10-17";

  private static final Set<String> TOP = Set.of("Version", "Id", "Statement");
  private static final Set<String> STATEMENT =
      Set.of(
          "Sid",
          "Effect",
          "Principal",
          "NotPrincipal",
          "Action",
          "NotAction",
          "Resource",
          "NotResource",
          "Condition");
  private static final Pattern SID = Pattern.compile("[0-9A-Za-z]*");

  /**
   * The actions a role trust policy may name (IAM answers anything else with "AssumeRole policy may
   * only specify STS AssumeRole actions."): the AssumeRole family and the session actions that go
   * with it.
   */
  private static final Set<String> TRUST_ACTIONS =
      Set.of(
          "sts:assumerole",
          "sts:assumerolewithsaml",
          "sts:assumerolewithwebidentity",
          "sts:tagsession",
          "sts:setsourceidentity",
          "sts:setcontext");

  private static final Pattern VENDOR = Pattern.compile("[A-Za-z0-9-]+");
  private static final Pattern ACTION_NAME = Pattern.compile("[A-Za-z0-9_*?-]+");
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern PARTITION =
      Pattern.compile("aws|aws-cn|aws-us-gov|aws-iso(-[a-z])?");
  private static final Pattern IAM_PRINCIPAL_ARN =
      Pattern.compile(
          "arn:(aws|aws-cn|aws-us-gov|aws-iso(-[a-z])?):(iam::\\d{12}:(root|user/.+|role/.+|federated-user/.+)"
              + "|sts::\\d{12}:(assumed-role/[^/]+/.+|federated-user/.+))");
  private static final Pattern UNIQUE_ID = Pattern.compile("A[A-Z]{3}[A-Z0-9]{14,124}");
  private static final Pattern SERVICE = Pattern.compile("[a-z0-9][a-z0-9.-]*[a-z0-9]");
  private static final Pattern FEDERATED =
      Pattern.compile(
          "arn:(aws|aws-cn|aws-us-gov|aws-iso(-[a-z])?):iam::\\d{12}:(saml-provider|oidc-provider)/[^*?]+"
              + "|[A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9]");

  private PolicyParser() {}

  /** Parses and validates {@code json} as a policy of {@code kind}. */
  public static Model.Policy parse(String json, PolicyKind kind) {
    if (json == null || kind == null) {
      throw PolicyErrors.syntax();
    }
    if (json.length() > MAX_DOCUMENT_CHARS) {
      throw malformed(
          "Policy document exceeds the maximum size of " + MAX_DOCUMENT_CHARS + " characters");
    }
    try {
      return document(Json.read(json), kind);
    } catch (ApiException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      // Defence in depth: a bug must still surface as a validation error, never a 500.
      throw PolicyErrors.syntax();
    }
  }

  private static Model.Policy document(Node root, PolicyKind kind) {
    if (!(root instanceof Obj doc)) {
      throw malformed("Policy document must be a JSON object");
    }
    for (String k : doc.members().keySet()) {
      if (!TOP.contains(k)) {
        throw malformed("Unknown field " + echo(k));
      }
    }
    String version = V2008;
    Node v = doc.members().get("Version");
    if (v != null) {
      if (!(v instanceof Str s) || !(s.value().equals(V2012) || s.value().equals(V2008))) {
        throw malformed("The policy must contain a valid version string");
      }
      version = s.value();
    }
    String id = null;
    Node idNode = doc.members().get("Id");
    if (idNode != null) {
      if (!(idNode instanceof Str s)) {
        throw malformed("Id must be a string");
      }
      id = s.value();
    }
    Node st = doc.members().get("Statement");
    if (st == null) {
      throw malformed("Missing required field Statement");
    }
    List<Obj> objs = new ArrayList<>();
    if (st instanceof Obj o) {
      objs.add(o);
    } else if (st instanceof Arr a) {
      for (Node n : a.items()) {
        if (!(n instanceof Obj o)) {
          throw malformed("Statement must be an object or an array of objects");
        }
        objs.add(o);
      }
    } else {
      throw malformed("Statement must be an object or an array of objects");
    }
    if (objs.isEmpty()) {
      throw malformed("Policy document must contain at least one statement");
    }
    boolean variables = version.equals(V2012);
    List<Model.Statement> statements = new ArrayList<>();
    Set<String> sids = new HashSet<>();
    for (int i = 0; i < objs.size(); i++) {
      Model.Statement s = statement(objs.get(i), i, kind, variables);
      if (s.sid() != null && !s.sid().isEmpty() && !sids.add(s.sid())) {
        throw malformed("Statement IDs (SID) in a single policy must be unique.");
      }
      statements.add(s);
    }
    return new Model.Policy(version, id, variables, statements);
  }

  private static Model.Statement statement(Obj o, int index, PolicyKind kind, boolean variables) {
    Map<String, Node> m = o.members();
    for (String k : m.keySet()) {
      if (!STATEMENT.contains(k)) {
        throw malformed("Unknown field " + echo(k));
      }
    }
    String sid = null;
    if (m.containsKey("Sid")) {
      if (!(m.get("Sid") instanceof Str s)) {
        throw malformed("Sid must be a string");
      }
      if (!SID.matcher(s.value()).matches()) {
        throw malformed(
            "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the"
                + " regular expression [0-9A-Za-z]*");
      }
      sid = s.value();
    }
    Node e = m.get("Effect");
    if (e == null) {
      throw malformed("Missing required field Effect");
    }
    Effect effect;
    if (e instanceof Str s && s.value().equals("Allow")) {
      effect = Effect.ALLOW;
    } else if (e instanceof Str s && s.value().equals("Deny")) {
      effect = Effect.DENY;
    } else {
      throw malformed("Invalid effect: " + (e instanceof Str s ? echo(s.value()) : "not a string"));
    }

    // Principal / NotPrincipal.
    boolean hasP = m.containsKey("Principal");
    boolean hasNp = m.containsKey("NotPrincipal");
    Model.Principals principals = null;
    if (kind == PolicyKind.IDENTITY) {
      if (hasP || hasNp) {
        throw malformed("Policy document should not specify a principal.");
      }
    } else {
      if (hasP && hasNp) {
        throw malformed("Statement can't contain both Principal and NotPrincipal");
      }
      if (!hasP && !hasNp) {
        throw malformed("Missing required field Principal");
      }
      principals = principals(m.get(hasP ? "Principal" : "NotPrincipal"));
    }

    // Action / NotAction.
    boolean hasA = m.containsKey("Action");
    boolean hasNa = m.containsKey("NotAction");
    if (hasA && hasNa) {
      throw malformed("Statement can't contain both Action and NotAction");
    }
    if (!hasA && !hasNa) {
      throw malformed("Policy statement must contain actions.");
    }
    List<String> actionTexts = strings(m.get(hasA ? "Action" : "NotAction"), "Action");
    if (actionTexts.isEmpty()) {
      throw malformed("Policy statement must contain actions.");
    }
    List<int[]> actions = new ArrayList<>();
    for (String a : actionTexts) {
      validateAction(a);
      if (kind == PolicyKind.TRUST && hasA && !trustAction(a)) {
        throw malformed("AssumeRole policy may only specify STS AssumeRole actions.");
      }
      actions.add(Glob.compile(a.toLowerCase(Locale.ROOT)));
    }

    // Resource / NotResource.
    boolean hasR = m.containsKey("Resource");
    boolean hasNr = m.containsKey("NotResource");
    List<Template> resources = null;
    if (kind == PolicyKind.TRUST) {
      if (hasR) {
        throw malformed("Has prohibited field Resource");
      }
      if (hasNr) {
        throw malformed("Has prohibited field NotResource");
      }
    } else {
      if (hasR && hasNr) {
        throw malformed("Statement can't contain both Resource and NotResource");
      }
      if (!hasR && !hasNr) {
        throw malformed("Policy statement must contain resources.");
      }
      List<String> texts = strings(m.get(hasR ? "Resource" : "NotResource"), "Resource");
      if (texts.isEmpty()) {
        throw malformed("Policy statement must contain resources.");
      }
      resources = new ArrayList<>();
      for (String r : texts) {
        validateResource(r);
        resources.add(Template.parse(r, variables));
      }
    }

    List<Model.Clause> conditions =
        m.containsKey("Condition") ? conditions(m.get("Condition"), variables) : List.of();
    return new Model.Statement(
        sid,
        index,
        effect,
        principals,
        hasNp,
        List.copyOf(actions),
        hasNa,
        resources == null ? null : List.copyOf(resources),
        hasNr,
        conditions,
        o.start(),
        o.end());
  }

  /** A string or a non-empty... array of strings. */
  private static List<String> strings(Node n, String element) {
    if (n instanceof Str s) {
      return List.of(s.value());
    }
    if (n instanceof Arr a) {
      List<String> out = new ArrayList<>();
      for (Node i : a.items()) {
        if (!(i instanceof Str s)) {
          throw malformed(element + " must be a string or an array of strings");
        }
        out.add(s.value());
      }
      return out;
    }
    throw malformed(element + " must be a string or an array of strings");
  }

  private static void validateAction(String a) {
    if (a.equals("*")) {
      return;
    }
    int colon = a.indexOf(':');
    if (colon < 0) {
      throw malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
    }
    if (a.indexOf(':', colon + 1) >= 0) {
      throw malformed("Actions/Condition can contain only one colon.");
    }
    String vendor = a.substring(0, colon);
    if (!VENDOR.matcher(vendor).matches()) {
      throw malformed("Vendor " + echo(vendor) + " is not valid");
    }
    if (!ACTION_NAME.matcher(a.substring(colon + 1)).matches()) {
      throw malformed("Action " + echo(a) + " is not valid");
    }
  }

  private static boolean trustAction(String a) {
    String lower = a.toLowerCase(Locale.ROOT);
    if (lower.equals("*") || TRUST_ACTIONS.contains(lower)) {
      return true;
    }
    // A wildcard within sts: (sts:*, sts:Assume*) is accepted if it can name a trust action.
    if (lower.startsWith("sts:") && (lower.contains("*") || lower.contains("?"))) {
      int[] p = Glob.compile(lower);
      return TRUST_ACTIONS.stream().anyMatch(t -> Glob.matches(p, t));
    }
    return false;
  }

  private static void validateResource(String r) {
    if (r.equals("*")) {
      return;
    }
    String[] p = r.split(":", 6);
    if (p.length < 6 || !p[0].equals("arn")) {
      throw malformed("Resource " + echo(r) + " must be in ARN format or \"*\".");
    }
    if (!p[1].contains("*")
        && !p[1].contains("?")
        && !p[1].contains("${")
        && !PARTITION.matcher(p[1]).matches()) {
      throw malformed(
          "Partition \"" + echo(p[1]) + "\" is not valid for resource \"" + echo(r) + "\".");
    }
    if (p[2].isEmpty() || p[2].contains("*") || p[2].contains("?") || p[2].contains("$")) {
      throw malformed("Resource vendor must be fully qualified and cannot contain regexes.");
    }
  }

  private static Model.Principals principals(Node n) {
    if (n instanceof Str s) {
      if (s.value().equals("*")) {
        return new Model.Principals(true, List.of(), List.of(), List.of());
      }
      throw malformed("Invalid principal in policy: " + echo(s.value()));
    }
    if (!(n instanceof Obj o) || o.members().isEmpty()) {
      throw malformed("Invalid principal in policy");
    }
    boolean anyone = false;
    List<String> aws = List.of();
    List<String> service = List.of();
    List<String> federated = List.of();
    for (Map.Entry<String, Node> e : o.members().entrySet()) {
      String type = e.getKey();
      List<String> vals = strings(e.getValue(), "Principal");
      if (vals.isEmpty()) {
        throw malformed("Invalid principal in policy: \"" + echo(type) + "\":[]");
      }
      switch (type) {
        case "AWS" -> {
          for (String v : vals) {
            if (v.equals("*")) {
              anyone = true;
            } else if (!(ACCOUNT.matcher(v).matches()
                || IAM_PRINCIPAL_ARN.matcher(v).matches() && !v.contains("*") && !v.contains("?")
                || UNIQUE_ID.matcher(v).matches())) {
              throw invalidPrincipal(type, v);
            }
          }
          aws = vals;
        }
        case "Service" -> {
          for (String v : vals) {
            if (!SERVICE.matcher(v).matches()) {
              throw invalidPrincipal(type, v);
            }
          }
          service = vals;
        }
        case "Federated" -> {
          for (String v : vals) {
            if (!FEDERATED.matcher(v).matches()) {
              throw invalidPrincipal(type, v);
            }
          }
          federated = vals;
        }
        default -> throw invalidPrincipal(type, vals.get(0));
      }
    }
    return new Model.Principals(anyone, aws, service, federated);
  }

  private static ApiException invalidPrincipal(String type, String value) {
    return malformed("Invalid principal in policy: \"" + echo(type) + "\":\"" + echo(value) + "\"");
  }

  private static List<Model.Clause> conditions(Node n, boolean variables) {
    if (!(n instanceof Obj o)) {
      throw malformed("Condition must be a JSON object");
    }
    List<Model.Clause> out = new ArrayList<>();
    for (Map.Entry<String, Node> e : o.members().entrySet()) {
      Operator.Parsed op = Operator.parse(e.getKey());
      if (op == null) {
        throw malformed("Invalid Condition operator " + echo(e.getKey()));
      }
      if (!(e.getValue() instanceof Obj keys) || keys.members().isEmpty()) {
        throw malformed(
            "Condition operator " + echo(e.getKey()) + " must map condition keys to values");
      }
      for (Map.Entry<String, Node> k : keys.members().entrySet()) {
        String key = k.getKey();
        int colon = key.indexOf(':');
        if (colon <= 0 || colon == key.length() - 1) {
          throw malformed(
              "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
        }
        out.add(clause(op, key, k.getValue(), variables));
      }
    }
    return List.copyOf(out);
  }

  private static Model.Clause clause(Operator.Parsed p, String key, Node value, boolean variables) {
    List<String> raw = new ArrayList<>();
    if (value instanceof Arr a) {
      for (Node i : a.items()) {
        raw.add(scalar(i, key));
      }
    } else {
      raw.add(scalar(value, key));
    }
    if (raw.isEmpty()) {
      throw malformed("Condition key " + echo(key) + " must have at least one value");
    }
    Operator op = p.op();
    List<Template> templates = new ArrayList<>();
    List<Object> typed = new ArrayList<>();
    for (String r : raw) {
      Object t =
          switch (op.family()) {
            case STRING, STRING_CI, STRING_LIKE, ARN -> {
              templates.add(Template.parse(r, variables));
              yield Boolean.TRUE;
            }
            case NUMERIC -> Values.number(r);
            case DATE -> Values.date(r);
            case BOOL, NULL -> Values.bool(r);
            case BINARY -> Values.binary(r);
            case IP -> Values.cidr(r);
          };
      if (t == null) {
        throw malformed(
            "Invalid value "
                + echo(r)
                + " for Condition operator "
                + op.awsName()
                + " and key "
                + echo(key));
      }
      if (op.family() != Operator.Family.STRING
          && op.family() != Operator.Family.STRING_CI
          && op.family() != Operator.Family.STRING_LIKE
          && op.family() != Operator.Family.ARN) {
        typed.add(t);
      }
    }
    return new Model.Clause(
        op,
        p.qualifier(),
        p.ifExists(),
        key.toLowerCase(Locale.ROOT),
        key,
        List.copyOf(templates),
        List.copyOf(typed));
  }

  private static String scalar(Node n, String key) {
    if (n instanceof Str s) {
      return s.value();
    }
    if (n instanceof Num num) {
      return num.text();
    }
    if (n instanceof Bool b) {
      return Boolean.toString(b.value());
    }
    throw malformed(
        "Condition value for key " + echo(key) + " must be a string, number or boolean");
  }
}
