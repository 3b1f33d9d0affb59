package io.podidentity.sts;

import io.podidentity.api.ApiException;
import io.podidentity.iam.Tag;
import io.podidentity.issuer.CredentialIssuer;
import io.podidentity.issuer.IssueRequest;
import io.podidentity.issuer.IssuedCredentials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The builtin issuer: EKS Pod Identity's credentials from the server's own IAM and STS.
 *
 * <p>As EKS does (EKS User Guide, "Create IAM role with trust policy required by EKS Pod
 * Identity"), it assumes the association's role as the service principal {@code
 * pods.eks.amazonaws.com}: the trust policy must allow {@code sts:AssumeRole} and, when session
 * tags are passed, {@code sts:TagSession}, evaluated with {@code aws:RequestTag/*} and {@code
 * aws:TagKeys} of the session tags and {@code aws:SourceAccount} / {@code aws:SourceArn} of the
 * cluster. All session tags are transitive. The requested duration (EKS gives six hours) is not
 * bounded by the role's MaxSessionDuration: EKS Pod Identity hands out six-hour credentials for
 * roles with the default one-hour maximum.
 *
 * <p>With a target role, the first session then assumes it (role chaining: at most one hour, the
 * first role's permission policy must allow it, the target's trust policy is evaluated for the
 * first session with the association's ExternalId). The association's policy is the session policy
 * of the final session. Every refusal is EKS Auth's AccessDeniedException (400).
 */
public final class BuiltinIssuer implements CredentialIssuer {
  static final String DENIED =
      "Unauthorized Exception! EKS does not have permissions to assume the associated role.";

  private final RoleSessions sessions;

  public BuiltinIssuer(RoleSessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public IssuedCredentials issue(IssueRequest request) {
    List<Tag> tags = new ArrayList<>();
    request.sessionTags().forEach((k, v) -> tags.add(new Tag(k, v)));
    Map<String, String> source = new LinkedHashMap<>();
    source.put("aws:SourceAccount", request.clusterAccount());
    source.put("aws:SourceArn", request.clusterArn());
    boolean chain = request.targetRoleArn().isPresent();
    RoleSessions.Issued first =
        assume(
            new RoleSessions.Request(
                new RoleSessions.ServiceRequester(IssueRequest.SERVICE_PRINCIPAL),
                request.roleArn(),
                request.sessionName(),
                Optional.of(request.duration()),
                false,
                tags,
                tags.stream().map(Tag::key).toList(),
                Optional.empty(),
                chain ? Optional.empty() : request.sessionPolicy(),
                Optional.empty(),
                source,
                false),
            !chain);
    RoleSessions.Issued last = first;
    if (chain) {
      Duration d =
          request.duration().compareTo(RoleSessions.CHAINED_MAX) > 0
              ? RoleSessions.CHAINED_MAX
              : request.duration();
      last =
          assume(
              new RoleSessions.Request(
                  new RoleSessions.CallerRequester(first.session()),
                  request.targetRoleArn().get(),
                  request.sessionName(),
                  Optional.of(d),
                  false,
                  List.of(),
                  List.of(),
                  request.externalId(),
                  request.sessionPolicy(),
                  Optional.empty(),
                  Map.of(),
                  true),
              true);
    }
    return new IssuedCredentials(
        last.session().accessKeyId(),
        last.secretAccessKey(),
        last.sessionToken(),
        last.expiration(),
        last.session().arn(),
        last.session().userId(),
        Optional.empty());
  }

  private RoleSessions.Issued assume(RoleSessions.Request r, boolean store) {
    try {
      return sessions.assume(r, store);
    } catch (ApiException e) {
      if (e.code().equals("AccessDenied")) {
        throw new ApiException("AccessDeniedException", 400, DENIED);
      }
      if (e.status() < 500) {
        // A stored association that STS would refuse (bad session policy, too many tags…): the
        // pod cannot get credentials for it, which EKS reports as access denied too.
        throw new ApiException("AccessDeniedException", 400, DENIED + " " + e.getMessage());
      }
      throw e;
    }
  }
}
