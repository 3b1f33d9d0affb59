package io.podidentity.sts;

import io.podidentity.api.ApiException;
import io.podidentity.auth.Caller;
import io.podidentity.http.QueryService;
import io.podidentity.iam.Tag;
import io.podidentity.iam.internal.IamErrors;
import io.podidentity.iam.internal.Params;
import io.podidentity.iam.internal.Xml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The STS Query API of the builtin issuer (API version 2011-06-15, signing name {@code sts}):
 * GetCallerIdentity and AssumeRole, with STS's parameter constraints, XML shapes and errors (AWS
 * STS API Reference).
 */
public final class StsApi implements QueryService {

  public static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

  /** An IAM role ARN: any partition, no region, a 12-digit account, {@code role/[PATH/]NAME}. */
  static final Pattern ROLE_ARN =
      Pattern.compile("arn:[a-z-]+:iam::\\d{12}:role/[\\u0021-\\u007E]+");

  static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]*");
  static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]*");
  static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
  static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
  static final Pattern POLICY_CHARS = Pattern.compile("[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");

  private final RoleSessions sessions;

  public StsApi(RoleSessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public String signingName() {
    return "sts";
  }

  @Override
  public String xmlNamespace() {
    return NAMESPACE;
  }

  @Override
  public String handle(Caller caller, Map<String, String> params, String requestId) {
    String action = params.getOrDefault("Action", "");
    return switch (action) {
      case "GetCallerIdentity" -> getCallerIdentity(caller, requestId);
      case "AssumeRole" -> assumeRole(caller, new Params(params), requestId);
      default -> throw invalidAction(action);
    };
  }

  private static ApiException invalidAction(String action) {
    return new ApiException(
        "InvalidAction",
        400,
        "Could not find operation " + Params.echo(action) + " for version 2011-06-15");
  }

  /** GetCallerIdentity needs no permission (AWS STS API Reference). */
  private static String getCallerIdentity(Caller caller, String requestId) {
    return Xml.result("GetCallerIdentity", NAMESPACE, requestId)
        .text("Arn", caller.arn())
        .text("UserId", caller.userId())
        .text("Account", caller.accountId())
        .done();
  }

  private String assumeRole(Caller caller, Params p, String requestId) {
    for (String unsupported : List.of("PolicyArns.member.1", "SerialNumber", "TokenCode")) {
      if (p.has(unsupported)) {
        throw Params.unsupported(unsupported.replace(".member.1", ""));
      }
    }
    if (p.has("ProvidedContexts.member.1.ProviderArn")) {
      throw Params.unsupported("ProvidedContexts");
    }
    String roleArn =
        Params.check("roleArn", p.required("RoleArn", "roleArn"), 20, 2048, null, null);
    if (!ROLE_ARN.matcher(roleArn).matches()) {
      throw IamErrors.validation("Request ARN is invalid");
    }
    String sessionName =
        Params.check(
            "roleSessionName",
            p.required("RoleSessionName", "roleSessionName"),
            2,
            64,
            SESSION_NAME,
            "[\\w+=,.@-]*");
    Optional<Integer> duration =
        p.integer(
            "DurationSeconds",
            "durationSeconds",
            RoleSessions.MIN_DURATION,
            RoleSessions.MAX_DURATION);
    Optional<String> policy =
        p.string("Policy")
            .map(
                v ->
                    Params.check(
                        "policy",
                        v,
                        1,
                        2048,
                        POLICY_CHARS,
                        "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"));
    Optional<String> externalId =
        p.string("ExternalId")
            .map(v -> Params.check("externalId", v, 2, 1224, EXTERNAL_ID, "[\\w+=,.@:\\/-]*"));
    Optional<String> sourceIdentity =
        p.string("SourceIdentity")
            .map(v -> Params.check("sourceIdentity", v, 2, 64, SESSION_NAME, "[\\w+=,.@-]*"));
    List<Tag> tags = tags(p);
    List<String> transitive = p.list("TransitiveTagKeys");
    if (transitive.size() > RoleSessions.MAX_SESSION_TAGS) {
      throw IamErrors.constraint(
          "transitiveTagKeys",
          transitive.toString(),
          "Member must have length less than or equal to " + RoleSessions.MAX_SESSION_TAGS);
    }
    for (String k : transitive) {
      Params.check("transitiveTagKeys", k, 1, 128, TAG_KEY, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    }
    RoleSessions.Issued s =
        sessions.assume(
            new RoleSessions.Request(
                new RoleSessions.CallerRequester(caller),
                roleArn,
                sessionName,
                duration.map(Duration::ofSeconds),
                true,
                tags,
                transitive,
                externalId,
                policy,
                sourceIdentity,
                Map.of(),
                false),
            true);
    Xml x = Xml.result("AssumeRole", NAMESPACE, requestId);
    SessionData.of(s.session())
        .flatMap(SessionData::sourceIdentity)
        .ifPresent(si -> x.text("SourceIdentity", si));
    x.open("AssumedRoleUser")
        .text("Arn", s.session().arn())
        .text("AssumedRoleId", s.session().userId())
        .close("AssumedRoleUser")
        .open("Credentials")
        .text("AccessKeyId", s.session().accessKeyId())
        .text("SecretAccessKey", s.secretAccessKey())
        .text("SessionToken", s.sessionToken())
        .time("Expiration", s.expiration())
        .close("Credentials");
    if (s.packedPolicySize() >= 0) {
      x.text("PackedPolicySize", s.packedPolicySize());
    }
    return x.done();
  }

  private static List<Tag> tags(Params p) {
    int n = p.structCount("Tags", "Key", "Value");
    if (n > RoleSessions.MAX_SESSION_TAGS) {
      throw IamErrors.constraint(
          "tags",
          n + " tags",
          "Member must have length less than or equal to " + RoleSessions.MAX_SESSION_TAGS);
    }
    List<Tag> tags = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      String k =
          p.field("Tags", i, "Key")
              .orElseThrow(
                  () -> IamErrors.constraint("tags.member.key", null, "Member must not be null"));
      String v =
          p.field("Tags", i, "Value")
              .orElseThrow(
                  () -> IamErrors.constraint("tags.member.value", null, "Member must not be null"));
      Params.check("tags.member.key", k, 1, 128, TAG_KEY, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
      Params.check("tags.member.value", v, 0, 256, TAG_VALUE, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
      tags.add(new Tag(k, v));
    }
    return tags;
  }
}
