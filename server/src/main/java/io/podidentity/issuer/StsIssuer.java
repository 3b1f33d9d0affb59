package io.podidentity.issuer;

import io.podidentity.api.ApiException;
import io.podidentity.issuer.internal.StsErrors;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.AssumedRoleUser;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * The external STS issuer ({@code --issuer sts}, issue 7): assumes the association's role with STS
 * AssumeRole at an STS-compatible endpoint (AWS STS, Ceph RGW, MinIO, moto), signed with the
 * server's own credentials.
 *
 * <ul>
 *   <li>RoleArn = the association's role, passed through unchanged (Ceph RGW's {@code
 *       arn:aws:iam:::role/NAME}, without an account, included); RoleSessionName = the request's.
 *   <li>The session tags as Tags, every one of them transitive (TransitiveTagKeys); none at all
 *       when the map is empty (disableSessionTags).
 *   <li>DurationSeconds = the request's duration within STS's bounds (900 s – 12 h). A role's
 *       MaxSessionDuration is not known without iam:GetRole, so when STS answers ValidationError
 *       "DurationSeconds exceeds the MaxSessionDuration", the call is repeated once with 3600 s,
 *       the default MaxSessionDuration of every role (Ceph RGW answers InvalidArgument instead,
 *       also retried). Such a role is then asked for 3600 s directly for {@link
 *       #SHORT_ROLE_MEMORY}.
 *   <li>Without a target role: Policy = the association's policy. With a target role: the first
 *       session only serves to assume the target (900 s, never handed out); the second AssumeRole,
 *       signed with the first session's credentials, carries ExternalId, the association's policy
 *       and DurationSeconds ≤ 3600 (role chaining's limit). It sends no Tags: STS passes the first
 *       session's transitive tags on by itself, and rejects a call that passes a tag with the same
 *       key as an inherited one (AssumeRole API reference, Tags).
 * </ul>
 *
 * <p>Failures are mapped by {@link StsErrors} to EKS Auth's errors, with the STS request id in the
 * message and in the {@link UpstreamFailure} cause. One {@code issue} — both calls, the duration
 * retry and the SDK's retries — runs within {@link StsIssuerConfig#callTimeout()}.
 */
public final class StsIssuer implements CredentialIssuer, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StsIssuer.class);

  /** STS's bounds on DurationSeconds for AssumeRole. */
  static final Duration MIN_DURATION = Duration.ofMinutes(15);

  static final Duration MAX_DURATION = Duration.ofHours(12);

  /** A chained session (assumed with role credentials) lasts at most an hour. */
  static final Duration CHAINED_MAX_DURATION = Duration.ofHours(1);

  /** Every role's default MaxSessionDuration: the retry when a role allows less than asked. */
  static final Duration FALLBACK_DURATION = Duration.ofHours(1);

  /** How long a role that refused the asked duration is asked for 3600 s straight away. */
  static final Duration SHORT_ROLE_MEMORY = Duration.ofMinutes(15);

  /** Bound on remembered short roles; the memory is dropped whole when it is reached. */
  static final int SHORT_ROLE_LIMIT = 10_000;

  private final StsIssuerConfig config;
  private final SdkHttpClient http;
  private final StsClient sts;

  /**
   * Roles whose MaxSessionDuration was found below the asked duration, until when (nanoTime): one
   * round trip per issuance instead of two for them (Ceph RGW roles default to 3600 s).
   */
  private final ConcurrentHashMap<String, Long> shortRoles = new ConcurrentHashMap<>();

  public StsIssuer(StsIssuerConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(config.connectTimeout())
            .socketTimeout(config.callTimeout())
            .build();
    RetryStrategy retry =
        AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(config.maxAttempts())
            // Short backoffs: the whole issue has to fit the agent's budget (§4 of the wire notes).
            .backoffStrategy(
                BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofMillis(250)))
            .throttlingBackoffStrategy(
                BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofMillis(500)))
            .build();
    this.sts =
        StsClient.builder()
            .endpointOverride(config.endpoint())
            .region(Region.of(config.signingRegion()))
            .credentialsProvider(config.credentials())
            .httpClient(http)
            .overrideConfiguration(o -> o.retryStrategy(retry).apiCallTimeout(config.callTimeout()))
            .build();
  }

  public StsIssuerConfig config() {
    return config;
  }

  @Override
  public IssuedCredentials issue(IssueRequest request) {
    Objects.requireNonNull(request, "request");
    long deadline = System.nanoTime() + config.callTimeout().toNanos();
    boolean chained = request.targetRoleArn().isPresent();

    AssumeRoleRequest.Builder first =
        AssumeRoleRequest.builder()
            .roleArn(request.roleArn())
            .roleSessionName(request.sessionName());
    Map<String, String> tags = request.sessionTags();
    if (!tags.isEmpty()) {
      List<String> keys = tags.keySet().stream().sorted().toList();
      first.tags(keys.stream().map(k -> Tag.builder().key(k).value(tags.get(k)).build()).toList());
      first.transitiveTagKeys(keys);
    }
    if (chained) {
      first.durationSeconds(seconds(MIN_DURATION));
    } else {
      Duration asked = clamp(request.duration(), MAX_DURATION);
      if (asked.compareTo(FALLBACK_DURATION) > 0 && knownShort(request.roleArn())) {
        asked = FALLBACK_DURATION;
      }
      first.durationSeconds(seconds(asked));
      request.sessionPolicy().ifPresent(first::policy);
    }
    AssumeRoleResponse role =
        call(first.build(), request.roleArn(), null, deadline, /* durationFallback= */ !chained);
    if (!chained) {
      return toIssued(role, request.roleArn(), request.sessionName());
    }

    String targetArn = request.targetRoleArn().orElseThrow();
    AssumeRoleRequest.Builder second =
        AssumeRoleRequest.builder()
            .roleArn(targetArn)
            .roleSessionName(request.sessionName())
            .durationSeconds(seconds(clamp(request.duration(), CHAINED_MAX_DURATION)));
    request.externalId().ifPresent(second::externalId);
    request.sessionPolicy().ifPresent(second::policy);
    Credentials c = credentialsOf(role, request.roleArn());
    StaticCredentialsProvider roleSession =
        StaticCredentialsProvider.create(
            AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
    AssumeRoleResponse target =
        call(second.build(), targetArn, roleSession, deadline, /* durationFallback= */ false);
    return toIssued(target, targetArn, request.sessionName());
  }

  private AssumeRoleResponse call(
      AssumeRoleRequest req,
      String roleArn,
      StaticCredentialsProvider signer,
      long deadline,
      boolean durationFallback) {
    long remainingNanos = deadline - System.nanoTime();
    if (remainingNanos <= 0) {
      throw outOfTime(roleArn);
    }
    Duration remaining = Duration.ofNanos(remainingNanos);
    AssumeRoleRequest bounded =
        req.toBuilder()
            .overrideConfiguration(
                o -> {
                  o.apiCallTimeout(remaining);
                  if (signer != null) {
                    o.credentialsProvider(signer);
                  }
                })
            .build();
    try {
      return sts.assumeRole(bounded);
    } catch (SdkException e) {
      if (durationFallback
          && exceedsMaxSessionDuration(e)
          && req.durationSeconds() != null
          && req.durationSeconds() > seconds(FALLBACK_DURATION)) {
        LOG.info(
            "STS: {} allows less than {} s; asking for {} s",
            roleArn,
            req.durationSeconds(),
            seconds(FALLBACK_DURATION));
        AssumeRoleResponse shorter =
            call(
                req.toBuilder().durationSeconds(seconds(FALLBACK_DURATION)).build(),
                roleArn,
                signer,
                deadline,
                false);
        rememberShort(roleArn);
        return shorter;
      }
      ApiException mapped = StsErrors.map(e, roleArn, config.callTimeout());
      LOG.warn(
          "STS AssumeRole {} failed: {} {} ({})",
          roleArn,
          mapped.code(),
          mapped.status(),
          UpstreamFailure.of(mapped).map(Throwable::getMessage).orElse(mapped.getMessage()));
      throw mapped;
    }
  }

  /**
   * STS's answer when DurationSeconds is more than the role's MaxSessionDuration. AWS: {@code
   * ValidationError} "The requested DurationSeconds exceeds the MaxSessionDuration set for this
   * role." Ceph RGW: {@code InvalidArgument} (EINVAL from its input validation, rgw_sts.cc), which
   * it also answers for other bad input; the single retry with 3600 s then fails the same way and
   * that error is reported.
   */
  static boolean exceedsMaxSessionDuration(SdkException e) {
    if (!(e instanceof AwsServiceException ase) || ase.statusCode() != 400) {
      return false;
    }
    String code = StsErrors.errorCode(ase);
    String message = String.valueOf(StsErrors.errorMessage(ase));
    return ("ValidationError".equals(code)
            && (message.contains("MaxSessionDuration") || message.contains("DurationSeconds")))
        || "InvalidArgument".equals(code);
  }

  private boolean knownShort(String roleArn) {
    Long until = shortRoles.get(roleArn);
    if (until == null) {
      return false;
    }
    if (System.nanoTime() - until > 0) {
      shortRoles.remove(roleArn, until);
      return false;
    }
    return true;
  }

  private void rememberShort(String roleArn) {
    if (shortRoles.size() >= SHORT_ROLE_LIMIT) {
      shortRoles.clear();
    }
    shortRoles.put(roleArn, System.nanoTime() + SHORT_ROLE_MEMORY.toNanos());
  }

  private ApiException outOfTime(String roleArn) {
    String message =
        "STS did not answer the AssumeRole of "
            + roleArn
            + " within "
            + config.callTimeout().toMillis()
            + " ms; retry later.";
    return new ApiException(
        "ServiceUnavailableException",
        503,
        message,
        new UpstreamFailure("Timeout", 0, null, message));
  }

  private static Credentials credentialsOf(AssumeRoleResponse r, String roleArn) {
    Credentials c = r.credentials();
    if (c == null
        || blank(c.accessKeyId())
        || blank(c.secretAccessKey())
        || blank(c.sessionToken())
        || c.expiration() == null) {
      String rid = r.responseMetadata().requestId();
      throw new ApiException(
          "InternalServerException",
          500,
          "STS answered the AssumeRole of "
              + roleArn
              + " without complete temporary credentials"
              + (rid == null ? "." : " (STS request id: " + rid + ")."),
          new UpstreamFailure("IncompleteResponse", 200, rid, "AssumeRole " + roleArn));
    }
    return c;
  }

  private static IssuedCredentials toIssued(
      AssumeRoleResponse r, String roleArn, String sessionName) {
    Credentials c = credentialsOf(r, roleArn);
    AssumedRoleUser user = r.assumedRoleUser();
    // Some STS-compatible stores leave AssumedRoleUser empty; the agent parses the account out of
    // the ARN, so derive the conventional one from the role rather than hand out none.
    String arn =
        user != null && !blank(user.arn()) ? user.arn() : assumedRoleArn(roleArn, sessionName);
    String id =
        user != null && !blank(user.assumedRoleId())
            ? user.assumedRoleId()
            : roleName(roleArn) + ":" + sessionName;
    String rid = r.responseMetadata().requestId();
    return new IssuedCredentials(
        c.accessKeyId(),
        c.secretAccessKey(),
        c.sessionToken(),
        c.expiration(),
        arn,
        id,
        Optional.ofNullable(blank(rid) || "UNKNOWN".equals(rid) ? null : rid));
  }

  /** arn:PARTITION:sts::ACCOUNT:assumed-role/NAME/SESSION from arn:PARTITION:iam::ACCOUNT:role/… */
  static String assumedRoleArn(String roleArn, String sessionName) {
    String[] p = roleArn.split(":", 6);
    String partition = p.length == 6 ? p[1] : "aws";
    String account = p.length == 6 ? p[4] : "";
    return "arn:"
        + partition
        + ":sts::"
        + account
        + ":assumed-role/"
        + roleName(roleArn)
        + "/"
        + sessionName;
  }

  /** The role's name: the last path segment of the resource (roles may have a path). */
  static String roleName(String roleArn) {
    int slash = roleArn.lastIndexOf('/');
    return slash < 0 ? roleArn : roleArn.substring(slash + 1);
  }

  private static Duration clamp(Duration asked, Duration max) {
    if (asked.compareTo(MIN_DURATION) < 0) {
      return MIN_DURATION;
    }
    return asked.compareTo(max) > 0 ? max : asked;
  }

  private static int seconds(Duration d) {
    return Math.toIntExact(d.toSeconds());
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  @Override
  public void close() {
    sts.close();
    http.close();
  }

  @Override
  public String toString() {
    return "StsIssuer{" + config + "}";
  }
}
