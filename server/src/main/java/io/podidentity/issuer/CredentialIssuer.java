package io.podidentity.issuer;

/**
 * Turns a verified pod identity request into temporary credentials for the association's role (and,
 * when set, its target role). Implementations: the builtin issuer (the server's own IAM and STS)
 * and the external STS issuer ({@code --issuer sts}). Decorators add caching or rate limits.
 *
 * <p>Failures are thrown as {@link io.podidentity.api.ApiException} with EKS Auth's codes:
 * AccessDeniedException (400) when a trust policy refuses, ThrottlingException (429),
 * ServiceUnavailableException (503) when the upstream cannot be reached, InternalServerException
 * (500) otherwise.
 */
public interface CredentialIssuer {
  IssuedCredentials issue(IssueRequest request);
}
