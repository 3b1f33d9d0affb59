package io.podidentity.sts;

import io.podidentity.api.ApiException;
import io.podidentity.auth.AccessKeys;
import io.podidentity.auth.Caller;
import io.podidentity.iam.Role;
import io.podidentity.iam.Roles;
import io.podidentity.iam.Tag;
import io.podidentity.iam.internal.IamErrors;
import io.podidentity.policy.PolicyDocument;
import io.podidentity.policy.PolicyEvaluator;
import io.podidentity.policy.PolicyKind;
import io.podidentity.policy.PrincipalType;
import io.podidentity.policy.RequestContext;
import io.podidentity.store.Database;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;

/**
 * STS AssumeRole for the builtin issuer: checks the target role's trust policy (and, for a role
 * session caller, its own permission policies), applies AWS's session rules (duration bounds, role
 * chaining at most one hour, session tags and transitive tags, session policy), and mints temporary
 * credentials stored through {@link AccessKeys} with their secrets encrypted.
 *
 * <p>Refusals are STS's {@code AccessDenied} (403) with STS's message; callers with another
 * envelope (EKS Auth) translate it.
 */
public final class RoleSessions {
  /** AWS: a role session assumed by another role session lasts at most one hour. */
  public static final Duration CHAINED_MAX = Duration.ofHours(1);

  public static final int MIN_DURATION = 900;
  public static final int MAX_DURATION = 43_200;
  public static final int MAX_SESSION_TAGS = 50;

  /** The limit the packed (compressed) session policy and tags are measured against. */
  static final int PACKED_LIMIT_BYTES = 2048;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Roles roles;
  private final AccessKeys keys;
  private final SessionAuthorizer authorizer;
  private final Clock clock;
  private final Database db;
  private final AtomicLong lastPurge = new AtomicLong();

  /** Expired session keys are kept this long (answering ExpiredToken), then deleted. */
  static final Duration KEEP_EXPIRED = Duration.ofDays(1);

  public RoleSessions(
      Roles roles, AccessKeys keys, SessionAuthorizer authorizer, Database db, Clock clock) {
    this.db = db;
    this.roles = roles;
    this.keys = keys;
    this.authorizer = authorizer;
    this.clock = clock;
  }

  /** Who asks to assume a role. */
  public sealed interface Requester {}

  /** An authenticated caller of this server (admin, agent, or a role session). */
  public record CallerRequester(Caller caller) implements Requester {}

  /** An AWS service principal, e.g. {@code pods.eks.amazonaws.com}. */
  public record ServiceRequester(String service) implements Requester {}

  /**
   * One AssumeRole.
   *
   * @param duration the session lifetime; empty means one hour
   * @param capByRoleMax whether the role's MaxSessionDuration bounds the duration (true for STS's
   *     AssumeRole; EKS Pod Identity's own six hours are not bounded by it)
   * @param extraKeys request condition keys set by the requester's context (aws:SourceAccount,
   *     aws:SourceArn)
   * @param requireCallerPermission whether a calling role session's own permission policies must
   *     allow the action even when the trust policy names it (EKS Pod Identity's target role)
   */
  public record Request(
      Requester requester,
      String roleArn,
      String sessionName,
      Optional<Duration> duration,
      boolean capByRoleMax,
      List<Tag> tags,
      List<String> transitiveTagKeys,
      Optional<String> externalId,
      Optional<String> sessionPolicy,
      Optional<String> sourceIdentity,
      Map<String, String> extraKeys,
      boolean requireCallerPermission) {
    public Request {
      Objects.requireNonNull(requester, "requester");
      Objects.requireNonNull(roleArn, "roleArn");
      Objects.requireNonNull(sessionName, "sessionName");
      Objects.requireNonNull(duration, "duration");
      tags = List.copyOf(tags);
      transitiveTagKeys = List.copyOf(transitiveTagKeys);
      Objects.requireNonNull(externalId, "externalId");
      Objects.requireNonNull(sessionPolicy, "sessionPolicy");
      Objects.requireNonNull(sourceIdentity, "sourceIdentity");
      extraKeys = Map.copyOf(extraKeys);
    }
  }

  /**
   * A new session and its credentials. {@code packedPolicySize} is the percentage of the packed
   * limit the session policy and tags use, or -1 when neither was passed.
   */
  public record Issued(
      Caller session,
      String secretAccessKey,
      String sessionToken,
      Instant expiration,
      Role role,
      int packedPolicySize) {
    @Override
    public String toString() {
      return "Issued{"
          + session.accessKeyId()
          + ", "
          + session.arn()
          + ", until "
          + expiration
          + "}";
    }
  }

  /** Assumes a role; stores the credentials (so they authenticate requests) when {@code store}. */
  public Issued assume(Request r, boolean store) {
    Instant now = clock.instant();
    Optional<Caller> caller =
        r.requester() instanceof CallerRequester cr ? Optional.of(cr.caller()) : Optional.empty();
    Optional<SessionData> callerSession = caller.flatMap(SessionData::of);
    boolean chained = caller.map(c -> c.kind() == Caller.Kind.ROLE_SESSION).orElse(false);
    String requesterArn =
        caller.map(Caller::arn).orElseGet(() -> ((ServiceRequester) r.requester()).service());

    // Session tags: inherited transitive tags first; passed tags may not override them.
    Map<String, Tag> tags = new LinkedHashMap<>();
    Set<String> transitive = new HashSet<>();
    if (callerSession.isPresent()) {
      Caller c = caller.get();
      for (String k : callerSession.get().transitiveTagKeys()) {
        String v = c.sessionTags().get(k);
        if (v != null) {
          tags.put(k.toLowerCase(Locale.ROOT), new Tag(k, v));
          transitive.add(k.toLowerCase(Locale.ROOT));
        }
      }
    }
    Set<String> passed = new HashSet<>();
    for (Tag t : r.tags()) {
      String k = t.key().toLowerCase(Locale.ROOT);
      if (!passed.add(k)) {
        throw new ApiException(
            "InvalidParameterValue",
            400,
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
      }
      if (tags.containsKey(k)) {
        throw new ApiException(
            "InvalidParameterValue",
            400,
            "One or more tags in the request have the same key as a transitive tag of the calling"
                + " session: "
                + t.key());
      }
      tags.put(k, t);
    }
    if (tags.size() > MAX_SESSION_TAGS) {
      throw IamErrors.validation(
          "The number of session tags exceeds the maximum of " + MAX_SESSION_TAGS + ".");
    }
    for (String k : r.transitiveTagKeys()) {
      String lk = k.toLowerCase(Locale.ROOT);
      if (!passed.contains(lk)) {
        throw new ApiException(
            "InvalidParameterValue",
            400,
            "The transitive tag key " + k + " is not one of the session tags passed.");
      }
      transitive.add(lk);
    }
    Optional<String> sourceIdentity = callerSession.flatMap(SessionData::sourceIdentity);
    if (sourceIdentity.isPresent()
        && r.sourceIdentity().isPresent()
        && !r.sourceIdentity().equals(sourceIdentity)) {
      throw IamErrors.accessDenied(
          "User: "
              + requesterArn
              + " is not authorized to perform: sts:SetSourceIdentity on resource: "
              + r.roleArn()
              + ": the source identity of a session cannot be changed");
    }
    if (sourceIdentity.isEmpty()) {
      sourceIdentity = r.sourceIdentity();
    }

    Optional<PolicyDocument> sessionPolicy =
        r.sessionPolicy().map(p -> PolicyDocument.parse(p, PolicyKind.IDENTITY));
    int packed = -1;
    if (r.sessionPolicy().isPresent() || !tags.isEmpty()) {
      packed = packedPercent(r.sessionPolicy().orElse(""), tags.values());
      if (packed > 100) {
        throw new ApiException(
            "PackedPolicyTooLarge",
            400,
            "Packed policy consumes " + packed + "% of allotted space, please use smaller policy.");
      }
    }

    Role role =
        roles.findByArn(r.roleArn()).orElseThrow(() -> denied(requesterArn, r, "sts:AssumeRole"));

    // Duration: 15 minutes up to the role's MaxSessionDuration, one hour when chained.
    Duration d = r.duration().orElse(Duration.ofHours(1));
    if (chained && d.compareTo(CHAINED_MAX) > 0) {
      throw IamErrors.validation(
          "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by"
              + " role chaining.");
    }
    if (!chained && r.capByRoleMax() && d.getSeconds() > role.maxSessionDuration()) {
      throw IamErrors.validation(
          "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    }

    // Trust policy: sts:AssumeRole, plus sts:TagSession when the session gets tags, plus
    // sts:SetSourceIdentity when a source identity is set.
    Map<String, List<String>> ctxKeys = new LinkedHashMap<>();
    for (Tag t : tags.values()) {
      ctxKeys.put("aws:RequestTag/" + t.key(), List.of(t.value()));
    }
    if (!tags.isEmpty()) {
      ctxKeys.put("aws:TagKeys", tags.values().stream().map(Tag::key).toList());
    }
    if (!transitive.isEmpty()) {
      List<String> tk = new ArrayList<>();
      for (Tag t : tags.values()) {
        if (transitive.contains(t.key().toLowerCase(Locale.ROOT))) {
          tk.add(t.key());
        }
      }
      ctxKeys.put("sts:TransitiveTagKeys", tk);
    }
    r.externalId().ifPresent(e -> ctxKeys.put("sts:ExternalId", List.of(e)));
    ctxKeys.put("sts:RoleSessionName", List.of(r.sessionName()));
    sourceIdentity.ifPresent(s -> ctxKeys.put("sts:SourceIdentity", List.of(s)));
    r.extraKeys().forEach((k, v) -> ctxKeys.put(k, List.of(v)));

    List<String> actions = new ArrayList<>(List.of("sts:AssumeRole"));
    if (!tags.isEmpty()) {
      actions.add("sts:TagSession");
    }
    if (r.sourceIdentity().isPresent()) {
      actions.add("sts:SetSourceIdentity");
    }
    PolicyDocument trust = roles.trustPolicy(role);
    for (String action : actions) {
      RequestContext.Builder ctx =
          caller.isPresent()
              ? authorizer.context(caller.get())
              : RequestContext.builder().principal(PrincipalType.SERVICE, requesterArn);
      ctx.action(action).resource(role.arn()).requestTime(now);
      ctxKeys.forEach(ctx::key);
      RequestContext context = ctx.build();
      if (caller.isEmpty()) {
        // A service principal has no identity policies: the trust policy alone decides.
        if (!PolicyEvaluator.evaluateTrust(trust, context).allowed()) {
          throw denied(requesterArn, r, action);
        }
        continue;
      }
      // An IAM caller: the trust policy combined with its identity policies as AWS combines a
      // resource-based and identity-based policies (same account: naming the caller suffices).
      SessionAuthorizer.Policies policies = authorizer.policiesOf(caller.get());
      boolean allowed =
          PolicyEvaluator.evaluateAssumeRole(trust, policies.identity(), context).allowed();
      // A session policy bounds what the session may do, whatever grants it.
      if (allowed && !policies.session().isEmpty()) {
        allowed = PolicyEvaluator.evaluate(policies.session(), List.of(), context).allowed();
      }
      // EKS Pod Identity's target role: the first role's permission policy must allow it (EKS User
      // Guide, "Access AWS resources in other accounts": the role needs sts:AssumeRole and
      // sts:TagSession on the target role).
      if (allowed && r.requireCallerPermission()) {
        allowed =
            PolicyEvaluator.evaluate(policies.identity(), policies.session(), context).allowed();
      }
      if (!allowed) {
        throw denied(requesterArn, r, action);
      }
    }

    String akid = AccessKeys.newTemporaryKeyId();
    String secret = AccessKeys.newSecret();
    String token = newSessionToken();
    Instant expiration = now.plus(d);
    Map<String, String> sessionTags = new LinkedHashMap<>();
    List<String> transitiveKeys = new ArrayList<>();
    for (Tag t : tags.values()) {
      sessionTags.put(t.key(), t.value());
      if (transitive.contains(t.key().toLowerCase(Locale.ROOT))) {
        transitiveKeys.add(t.key());
      }
    }
    SessionData data =
        new SessionData(
            role.id(),
            r.sessionName(),
            sessionPolicy.map(PolicyDocument::source),
            chained,
            transitiveKeys,
            sourceIdentity);
    Caller session =
        new Caller(
            akid,
            "arn:aws:sts::"
                + role.accountId()
                + ":assumed-role/"
                + role.name()
                + "/"
                + r.sessionName(),
            role.accountId(),
            role.id() + ":" + r.sessionName(),
            Caller.Kind.ROLE_SESSION,
            Optional.of(role.arn()),
            sessionTags,
            Optional.of(data.toJson()));
    if (store) {
      keys.put(session, secret, Optional.of(token), Optional.of(expiration));
      purgeExpired(now);
    }
    return new Issued(session, secret, token, expiration, role, packed);
  }

  /**
   * Deletes session keys that expired more than {@link #KEEP_EXPIRED} ago, at most once a minute,
   * so the key table does not grow with every credential ever issued.
   */
  private void purgeExpired(Instant now) {
    long last = lastPurge.get();
    if (now.toEpochMilli() - last < 60_000 || !lastPurge.compareAndSet(last, now.toEpochMilli())) {
      return;
    }
    long cutoff = now.minus(KEEP_EXPIRED).toEpochMilli();
    db.write(
        h ->
            h.createUpdate(
                    "DELETE FROM access_keys WHERE kind = 'ROLE_SESSION' AND expires_at < :cutoff")
                .bind("cutoff", cutoff)
                .execute());
  }

  private static ApiException denied(String requesterArn, Request r, String action) {
    return IamErrors.accessDenied(
        "User: "
            + requesterArn
            + " is not authorized to perform: "
            + action
            + " on resource: "
            + r.roleArn());
  }

  /** An opaque, unguessable session token: 96 random bytes. */
  static String newSessionToken() {
    byte[] b = new byte[96];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  /**
   * How much of the packed limit a session policy and tags use, in percent (STS's
   * PackedPolicySize): STS compresses them into a binary form with its own limit, so the measure
   * here is their deflated size.
   */
  static int packedPercent(String policy, Iterable<Tag> tags) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < policy.length(); i++) {
      if (!Character.isWhitespace(policy.charAt(i))) {
        sb.append(policy.charAt(i));
      }
    }
    for (Tag t : tags) {
      sb.append('\0').append(t.key()).append('\0').append(t.value());
    }
    byte[] in = sb.toString().getBytes(StandardCharsets.UTF_8);
    Deflater def = new Deflater(Deflater.BEST_COMPRESSION);
    def.setInput(in);
    def.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1024];
    while (!def.finished()) {
      out.write(buf, 0, def.deflate(buf));
    }
    def.end();
    return (int) Math.ceil(100.0 * out.size() / PACKED_LIMIT_BYTES);
  }
}
