package io.podidentity.auth;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who made an authenticated request: the identity behind the access key that signed it.
 *
 * @param accessKeyId the key that signed the request
 * @param arn the principal's ARN: an IAM user ({@code arn:aws:iam::ACCT:user/NAME}) or an assumed
 *     role session ({@code arn:aws:sts::ACCT:assumed-role/ROLE/SESSION})
 * @param accountId the principal's account
 * @param userId the unique id GetCallerIdentity reports ({@code AIDA…} or {@code AROA…:session})
 * @param kind what kind of principal this is
 * @param roleArn for a role session, the role's ARN
 * @param sessionTags for a role session, its session tags (visible as aws:PrincipalTag/*)
 * @param sessionData opaque per-session data the IAM/STS layer keeps (e.g. session policy, chain
 *     depth), JSON
 */
public record Caller(
    String accessKeyId,
    String arn,
    String accountId,
    String userId,
    Kind kind,
    Optional<String> roleArn,
    Map<String, String> sessionTags,
    Optional<String> sessionData) {
  public Caller {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(arn, "arn");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(roleArn, "roleArn");
    sessionTags = Map.copyOf(sessionTags);
    Objects.requireNonNull(sessionData, "sessionData");
  }

  /** Kinds of principal. */
  public enum Kind {
    /** The administrator written to {@code <data-dir>/credentials}: may do everything. */
    ADMIN,
    /** The node agent's credential: may only call eks-auth:AssumeRoleForPodIdentity. */
    AGENT,
    /** Temporary credentials of an assumed-role session: governed by the role's policies. */
    ROLE_SESSION
  }
}
