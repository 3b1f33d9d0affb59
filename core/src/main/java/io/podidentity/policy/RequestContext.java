package io.podidentity.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a request looks like to policy evaluation: who asks (principal), what (action), on what
 * (resource), and the condition keys of the request context.
 *
 * <ul>
 *   <li>{@code principalArn}: the caller's ARN as GetCallerIdentity shows it (for a role session
 *       {@code arn:aws:sts::A:assumed-role/R/S}; for {@link PrincipalType#SERVICE} the service
 *       name, e.g. {@code pods.eks.amazonaws.com}; for {@link PrincipalType#WEB_IDENTITY} the
 *       provider); null only for {@link PrincipalType#ANONYMOUS}.
 *   <li>{@code roleArn}: for a role session, the role's ARN (with its path). It is what {@code
 *       aws:PrincipalArn} resolves to, and a trust policy naming the role matches its sessions.
 *   <li>{@code principalAccount}: the caller's account; derived from the ARN when null.
 *   <li>{@code conditionKeys}: condition key to values, keys case-insensitive. A key mapped to an
 *       empty list is present with no values (what ForAllValues/ForAnyValue distinguish).
 *   <li>{@code principalTags}: the principal's tags (for a role session: its session tags), seen as
 *       {@code aws:PrincipalTag/KEY}; tag keys case-insensitive.
 *   <li>{@code requestTime}: the time of the request, seen as {@code aws:CurrentTime} and {@code
 *       aws:EpochTime}.
 * </ul>
 *
 * <p>Keys derived from these fields ({@code aws:PrincipalArn}, {@code aws:PrincipalAccount}, {@code
 * aws:PrincipalType}, {@code aws:username}, {@code aws:PrincipalTag/*}, {@code
 * aws:PrincipalIsAWSService}, {@code aws:CurrentTime}, {@code aws:EpochTime}) are answered by
 * {@link #values(String)} unless {@code conditionKeys} sets them explicitly.
 */
public record RequestContext(
    PrincipalType principalType,
    String principalArn,
    String roleArn,
    String principalAccount,
    String action,
    String resource,
    Map<String, List<String>> conditionKeys,
    Map<String, String> principalTags,
    Instant requestTime) {

  public RequestContext {
    Objects.requireNonNull(principalType, "principalType");
    Objects.requireNonNull(action, "action");
    if (principalType != PrincipalType.ANONYMOUS) {
      Objects.requireNonNull(principalArn, "principalArn");
    }
    if (resource == null) {
      resource = "*";
    }
    if (principalAccount == null && principalArn != null) {
      principalAccount = accountOf(principalArn);
    }
    TreeMap<String, List<String>> keys = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (conditionKeys != null) {
      conditionKeys.forEach(
          (k, v) -> keys.put(Objects.requireNonNull(k, "condition key"), List.copyOf(v)));
    }
    conditionKeys = Collections.unmodifiableMap(keys);
    TreeMap<String, String> tags = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (principalTags != null) {
      principalTags.forEach(
          (k, v) -> tags.put(Objects.requireNonNull(k, "tag key"), Objects.requireNonNull(v)));
    }
    principalTags = Collections.unmodifiableMap(tags);
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The values of a condition key (case-insensitive), explicit keys first, then the derived ones;
   * empty if the key is absent from the request context.
   */
  public Optional<List<String>> values(String key) {
    List<String> v = conditionKeys.get(key);
    if (v != null) {
      return Optional.of(v);
    }
    String k = key.toLowerCase(Locale.ROOT);
    if (k.startsWith("aws:principaltag/")) {
      String tag = principalTags.get(key.substring("aws:principaltag/".length()));
      return tag == null ? Optional.empty() : Optional.of(List.of(tag));
    }
    String one =
        switch (k) {
          case "aws:principalarn" ->
              principalType.isIamIdentity() ? (roleArn != null ? roleArn : principalArn) : null;
          case "aws:principalaccount" -> principalType.isIamIdentity() ? principalAccount : null;
          case "aws:principaltype" -> principalType.awsName();
          case "aws:username" ->
              principalType == PrincipalType.USER ? userName(principalArn) : null;
          case "aws:principalisawsservice" ->
              principalType == PrincipalType.ANONYMOUS
                  ? null
                  : Boolean.toString(principalType == PrincipalType.SERVICE);
          case "aws:principalservicename" ->
              principalType == PrincipalType.SERVICE ? principalArn : null;
          case "aws:currenttime" -> requestTime == null ? null : requestTime.toString();
          case "aws:epochtime" ->
              requestTime == null ? null : Long.toString(requestTime.getEpochSecond());
          default -> null;
        };
    return one == null ? Optional.empty() : Optional.of(List.of(one));
  }

  /** The 12-digit account of an IAM/STS ARN, or null. */
  static String accountOf(String arn) {
    String[] p = arn.split(":", 6);
    if (p.length == 6 && p[0].equals("arn") && p[4].length() == 12) {
      return p[4];
    }
    return null;
  }

  private static String userName(String arn) {
    if (arn == null) {
      return null;
    }
    int slash = arn.lastIndexOf('/');
    int colon = arn.lastIndexOf(':');
    return arn.substring(Math.max(slash, colon) + 1);
  }

  /** Builds a {@link RequestContext}; {@code principalType} and {@code action} are required. */
  public static final class Builder {
    private PrincipalType principalType;
    private String principalArn;
    private String roleArn;
    private String principalAccount;
    private String action;
    private String resource = "*";
    private final Map<String, List<String>> keys = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Map<String, String> tags = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private Instant requestTime = Instant.now();

    private Builder() {}

    /** The caller; see the record's documentation for what {@code arn} is per type. */
    public Builder principal(PrincipalType type, String arn) {
      this.principalType = type;
      this.principalArn = arn;
      return this;
    }

    /** For a role session, the role's ARN. */
    public Builder roleArn(String roleArn) {
      this.roleArn = roleArn;
      return this;
    }

    public Builder principalAccount(String account) {
      this.principalAccount = account;
      return this;
    }

    public Builder action(String action) {
      this.action = action;
      return this;
    }

    public Builder resource(String resource) {
      this.resource = resource;
      return this;
    }

    /** Sets a condition key to the given values (replacing earlier values). */
    public Builder key(String key, String... values) {
      keys.put(key, List.of(values));
      return this;
    }

    /** Sets a condition key to the given values (replacing earlier values). */
    public Builder key(String key, List<String> values) {
      keys.put(key, List.copyOf(values));
      return this;
    }

    /** Adds one value to a (multivalued) condition key. */
    public Builder addKeyValue(String key, String value) {
      List<String> v = new ArrayList<>(keys.getOrDefault(key, List.of()));
      v.add(value);
      keys.put(key, List.copyOf(v));
      return this;
    }

    public Builder principalTag(String key, String value) {
      tags.put(key, value);
      return this;
    }

    public Builder principalTags(Map<String, String> tags) {
      this.tags.putAll(tags);
      return this;
    }

    /** The request time; defaults to the time the builder was created. */
    public Builder requestTime(Instant time) {
      this.requestTime = time;
      return this;
    }

    public RequestContext build() {
      return new RequestContext(
          principalType,
          principalArn,
          roleArn,
          principalAccount,
          action,
          resource,
          keys,
          tags,
          requestTime);
    }
  }
}
