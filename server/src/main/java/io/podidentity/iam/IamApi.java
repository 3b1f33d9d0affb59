package io.podidentity.iam;

import io.podidentity.api.ApiException;
import io.podidentity.auth.Authorizer;
import io.podidentity.auth.Caller;
import io.podidentity.http.QueryService;
import io.podidentity.iam.internal.IamErrors;
import io.podidentity.iam.internal.Params;
import io.podidentity.iam.internal.Simulation;
import io.podidentity.iam.internal.Xml;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The IAM Query API of the builtin issuer (API version 2010-05-08, signing name {@code iam}):
 * roles, their inline policies and tags, and SimulatePrincipalPolicy, with IAM's parameter
 * constraints, XML shapes (policy documents URL-encoded) and errors (IAM API Reference).
 */
public final class IamApi implements QueryService {

  public static final String NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";

  static final Pattern NAME = Pattern.compile("[\\w+=,.@-]+");
  static final String NAME_TEXT = "[\\w+=,.@-]+";
  static final Pattern PATH = Pattern.compile("(/)|(/[\\u0021-\\u007E]+/)");
  static final String PATH_TEXT = "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)";
  static final Pattern POLICY_CHARS = Pattern.compile("[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
  static final String POLICY_TEXT = "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+";
  static final Pattern DESCRIPTION =
      Pattern.compile("[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*");
  static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
  static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
  static final Pattern MARKER = Pattern.compile("[\\u0020-\\u00FF]+");

  private final Roles roles;
  private final Authorizer authorizer;

  public IamApi(Roles roles, Authorizer authorizer) {
    this.roles = roles;
    this.authorizer = authorizer;
  }

  @Override
  public String signingName() {
    return "iam";
  }

  @Override
  public String xmlNamespace() {
    return NAMESPACE;
  }

  /** IAM reports its own faults as ServiceFailure (STS says InternalFailure). */
  @Override
  public String internalFailureCode() {
    return "ServiceFailure";
  }

  @Override
  public String handle(Caller caller, Map<String, String> params, String requestId) {
    String action = params.getOrDefault("Action", "");
    Params p = new Params(params);
    return switch (action) {
      case "CreateRole" -> createRole(caller, p, requestId);
      case "GetRole" -> getRole(caller, p, requestId);
      case "ListRoles" -> listRoles(caller, p, requestId);
      case "DeleteRole" -> deleteRole(caller, p, requestId);
      case "UpdateAssumeRolePolicy" -> updateAssumeRolePolicy(caller, p, requestId);
      case "UpdateRole" -> updateRole(caller, p, requestId);
      case "UpdateRoleDescription" -> updateRoleDescription(caller, p, requestId);
      case "PutRolePolicy" -> putRolePolicy(caller, p, requestId);
      case "GetRolePolicy" -> getRolePolicy(caller, p, requestId);
      case "ListRolePolicies" -> listRolePolicies(caller, p, requestId);
      case "DeleteRolePolicy" -> deleteRolePolicy(caller, p, requestId);
      case "TagRole" -> tagRole(caller, p, requestId);
      case "UntagRole" -> untagRole(caller, p, requestId);
      case "ListRoleTags" -> listRoleTags(caller, p, requestId);
      case "SimulatePrincipalPolicy" -> simulate(caller, p, requestId);
      default ->
          throw new ApiException(
              "InvalidAction",
              400,
              "Could not find operation " + Params.echo(action) + " for version 2010-05-08");
    };
  }

  // ---- authorization ----

  /** Admin may do everything; a role session what its policies allow; the agent nothing here. */
  private void authorize(Caller caller, String action, String resource, String roleName) {
    if (!authorizer.isAllowed(caller, action, resource)) {
      throw IamErrors.accessDenied(
          "User: "
              + caller.arn()
              + " is not authorized to perform: "
              + action
              + " on resource: "
              + (roleName == null ? resource : "role " + roleName)
              + " because no identity-based policy allows the "
              + action
              + " action");
    }
  }

  private String roleResource(String name) {
    return roles.find(name).map(Role::arn).orElse(roles.arnOf("/", name));
  }

  private String authorizedRole(Caller caller, String action, Params p) {
    String name = roleName(p);
    authorize(caller, action, roleResource(name), name);
    return name;
  }

  // ---- parameters ----

  private static String roleName(Params p) {
    return Params.check("roleName", p.required("RoleName", "roleName"), 1, 64, NAME, NAME_TEXT);
  }

  private static String policyName(Params p) {
    return Params.check(
        "policyName", p.required("PolicyName", "policyName"), 1, 128, NAME, NAME_TEXT);
  }

  private static String policyDocument(Params p, String param, String member) {
    return Params.check(member, p.required(param, member), 1, 131_072, POLICY_CHARS, POLICY_TEXT);
  }

  private static Optional<String> marker(Params p) {
    return p.string("Marker")
        .map(m -> Params.check("marker", m, 1, 320, MARKER, "[\\u0020-\\u00FF]+"));
  }

  private static int maxItems(Params p) {
    return p.integer("MaxItems", "maxItems", 1, 1000).orElse(100);
  }

  private static Optional<String> description(Params p) {
    return p.string("Description")
        .map(
            d ->
                Params.check(
                    "description",
                    d,
                    0,
                    1000,
                    DESCRIPTION,
                    "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*"));
  }

  private static Optional<Integer> maxSession(Params p) {
    return p.integer("MaxSessionDuration", "maxSessionDuration", 3600, 43200);
  }

  private static List<Tag> tags(Params p) {
    int n = p.structCount("Tags", "Key", "Value");
    if (n > Roles.MAX_TAGS) {
      throw IamErrors.constraint(
          "tags", n + " tags", "Member must have length less than or equal to " + Roles.MAX_TAGS);
    }
    List<Tag> tags = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 1; i <= n; i++) {
      String k =
          p.field("Tags", i, "Key")
              .orElseThrow(
                  () ->
                      IamErrors.constraint(
                          "tags." + "member.key", null, "Member must not be null"));
      String v =
          p.field("Tags", i, "Value")
              .orElseThrow(
                  () -> IamErrors.constraint("tags.member.value", null, "Member must not be null"));
      Params.check("tags.member.key", k, 1, 128, TAG_KEY, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
      Params.check("tags.member.value", v, 0, 256, TAG_VALUE, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
      if (k.regionMatches(true, 0, "aws:", 0, 4)) {
        throw IamErrors.invalidInput("User is not authorized to use the tag key prefix aws:.");
      }
      if (!seen.add(k.toLowerCase(java.util.Locale.ROOT))) {
        throw IamErrors.invalidInput("Duplicate tag keys found. Tag keys are case insensitive.");
      }
      tags.add(new Tag(k, v));
    }
    return tags;
  }

  // ---- operations ----

  private String createRole(Caller caller, Params p, String rid) {
    String name = roleName(p);
    String path = Params.check("path", p.string("Path").orElse("/"), 1, 512, PATH, PATH_TEXT);
    if (p.has("PermissionsBoundary")) {
      throw Params.unsupported("PermissionsBoundary");
    }
    String trust = policyDocument(p, "AssumeRolePolicyDocument", "assumeRolePolicyDocument");
    Optional<String> description = description(p);
    int max = maxSession(p).orElse(Roles.DEFAULT_MAX_SESSION);
    List<Tag> tags = tags(p);
    authorize(caller, "iam:CreateRole", roles.arnOf(path, name), name);
    Role role = roles.create(name, path, trust, description, max, tags);
    Xml x = Xml.result("CreateRole", NAMESPACE, rid).open("Role");
    role(x, role, true, false);
    return x.close("Role").done();
  }

  private String getRole(Caller caller, Params p, String rid) {
    String name = authorizedRole(caller, "iam:GetRole", p);
    Role role = roles.get(name);
    Xml x = Xml.result("GetRole", NAMESPACE, rid).open("Role");
    role(x, role, true, true);
    return x.close("Role").done();
  }

  private String listRoles(Caller caller, Params p, String rid) {
    String prefix =
        Params.check(
            "pathPrefix",
            p.string("PathPrefix").orElse("/"),
            1,
            512,
            Pattern.compile("/[\\u0021-\\u007F]*"),
            "\\u002F[\\u0021-\\u007F]*");
    Optional<String> marker = marker(p);
    int max = maxItems(p);
    authorize(caller, "iam:ListRoles", roles.arnOf(prefix, "*"), null);
    Page<Role> page = roles.list(prefix, marker, max);
    Xml x = Xml.result("ListRoles", NAMESPACE, rid);
    x.bool("IsTruncated", page.truncated());
    page.marker().ifPresent(m -> x.text("Marker", m));
    x.open("Roles");
    for (Role r : page.items()) {
      x.open("member");
      role(x, r, false, false);
      x.close("member");
    }
    return x.close("Roles").done();
  }

  /** The Role structure; ListRoles omits tags and last use, as IAM does. */
  private static void role(Xml x, Role r, boolean withTags, boolean withLastUsed) {
    x.text("Path", r.path())
        .text("RoleName", r.name())
        .text("RoleId", r.id())
        .text("Arn", r.arn())
        .time("CreateDate", r.createdAt())
        .text("AssumeRolePolicyDocument", Xml.urlEncode(r.trustPolicy()));
    r.description().ifPresent(d -> x.text("Description", d));
    x.text("MaxSessionDuration", r.maxSessionDuration());
    if (withTags && !r.tags().isEmpty()) {
      tagList(x, r.tags());
    }
    if (withLastUsed) {
      x.emptyElement("RoleLastUsed");
    }
  }

  private static void tagList(Xml x, List<Tag> tags) {
    x.open("Tags");
    for (Tag t : tags) {
      x.open("member").text("Key", t.key()).text("Value", t.value()).close("member");
    }
    x.close("Tags");
  }

  private String deleteRole(Caller caller, Params p, String rid) {
    String name = authorizedRole(caller, "iam:DeleteRole", p);
    roles.delete(name);
    return Xml.empty("DeleteRole", NAMESPACE, rid).done();
  }

  private String updateAssumeRolePolicy(Caller caller, Params p, String rid) {
    String name = roleName(p);
    String doc = policyDocument(p, "PolicyDocument", "policyDocument");
    authorize(caller, "iam:UpdateAssumeRolePolicy", roleResource(name), name);
    roles.get(name);
    roles.updateTrustPolicy(name, doc);
    return Xml.empty("UpdateAssumeRolePolicy", NAMESPACE, rid).done();
  }

  private String updateRole(Caller caller, Params p, String rid) {
    String name = roleName(p);
    Optional<String> description = description(p);
    Optional<Integer> max = maxSession(p);
    authorize(caller, "iam:UpdateRole", roleResource(name), name);
    roles.updateRole(name, description, max);
    return Xml.result("UpdateRole", NAMESPACE, rid).done();
  }

  private String updateRoleDescription(Caller caller, Params p, String rid) {
    String name = roleName(p);
    String description =
        description(p)
            .orElseThrow(
                () -> IamErrors.constraint("description", null, "Member must not be null"));
    authorize(caller, "iam:UpdateRoleDescription", roleResource(name), name);
    roles.updateRole(name, Optional.of(description), Optional.empty());
    Xml x = Xml.result("UpdateRoleDescription", NAMESPACE, rid).open("Role");
    role(x, roles.get(name), true, true);
    return x.close("Role").done();
  }

  private String putRolePolicy(Caller caller, Params p, String rid) {
    String name = roleName(p);
    String policy = policyName(p);
    String doc = policyDocument(p, "PolicyDocument", "policyDocument");
    authorize(caller, "iam:PutRolePolicy", roleResource(name), name);
    roles.get(name);
    roles.putPolicy(name, policy, doc);
    return Xml.empty("PutRolePolicy", NAMESPACE, rid).done();
  }

  private String getRolePolicy(Caller caller, Params p, String rid) {
    String name = roleName(p);
    String policy = policyName(p);
    authorize(caller, "iam:GetRolePolicy", roleResource(name), name);
    String doc = roles.getPolicy(name, policy);
    return Xml.result("GetRolePolicy", NAMESPACE, rid)
        .text("RoleName", roles.get(name).name())
        .text("PolicyName", policy)
        .text("PolicyDocument", Xml.urlEncode(doc))
        .done();
  }

  private String listRolePolicies(Caller caller, Params p, String rid) {
    String name = roleName(p);
    Optional<String> marker = marker(p);
    int max = maxItems(p);
    authorize(caller, "iam:ListRolePolicies", roleResource(name), name);
    Page<String> page = roles.listPolicies(name, marker, max);
    Xml x = Xml.result("ListRolePolicies", NAMESPACE, rid).open("PolicyNames");
    page.items().forEach(n -> x.text("member", n));
    x.close("PolicyNames").bool("IsTruncated", page.truncated());
    page.marker().ifPresent(m -> x.text("Marker", m));
    return x.done();
  }

  private String deleteRolePolicy(Caller caller, Params p, String rid) {
    String name = roleName(p);
    String policy = policyName(p);
    authorize(caller, "iam:DeleteRolePolicy", roleResource(name), name);
    roles.deletePolicy(name, policy);
    return Xml.empty("DeleteRolePolicy", NAMESPACE, rid).done();
  }

  private String tagRole(Caller caller, Params p, String rid) {
    String name = roleName(p);
    List<Tag> tags = tags(p);
    if (tags.isEmpty()) {
      throw IamErrors.constraint("tags", null, "Member must not be null");
    }
    authorize(caller, "iam:TagRole", roleResource(name), name);
    roles.tag(name, tags);
    return Xml.empty("TagRole", NAMESPACE, rid).done();
  }

  private String untagRole(Caller caller, Params p, String rid) {
    String name = roleName(p);
    List<String> keys = p.list("TagKeys");
    if (keys.isEmpty()) {
      throw IamErrors.constraint("tagKeys", null, "Member must not be null");
    }
    if (keys.size() > Roles.MAX_TAGS) {
      throw IamErrors.constraint(
          "tagKeys",
          keys.size() + " keys",
          "Member must have length less than or equal to " + Roles.MAX_TAGS);
    }
    for (String k : keys) {
      Params.check("tagKeys.member", k, 1, 128, TAG_KEY, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    }
    authorize(caller, "iam:UntagRole", roleResource(name), name);
    roles.untag(name, keys);
    return Xml.empty("UntagRole", NAMESPACE, rid).done();
  }

  private String listRoleTags(Caller caller, Params p, String rid) {
    String name = roleName(p);
    Optional<String> marker = marker(p);
    int max = maxItems(p);
    authorize(caller, "iam:ListRoleTags", roleResource(name), name);
    Page<Tag> page = roles.listTags(name, marker, max);
    Xml x = Xml.result("ListRoleTags", NAMESPACE, rid);
    x.open("Tags");
    for (Tag t : page.items()) {
      x.open("member").text("Key", t.key()).text("Value", t.value()).close("member");
    }
    x.close("Tags").bool("IsTruncated", page.truncated());
    page.marker().ifPresent(m -> x.text("Marker", m));
    return x.done();
  }

  private String simulate(Caller caller, Params p, String rid) {
    String source =
        Params.check(
            "policySourceArn",
            p.required("PolicySourceArn", "policySourceArn"),
            20,
            2048,
            null,
            null);
    authorize(caller, "iam:SimulatePrincipalPolicy", source, null);
    return Simulation.run(roles, p, rid);
  }
}
