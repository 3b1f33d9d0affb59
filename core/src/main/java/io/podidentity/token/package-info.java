/**
 * Kubernetes service-account tokens: claims, verification against a cluster's keys, and minting for
 * the local cluster (issue 4, parts 2 and 3).
 *
 * <h2>Verifying</h2>
 *
 * <p>Build one {@link io.podidentity.token.ClusterTrust} per cluster and keep it: its {@link
 * io.podidentity.token.JwksSource} caches the parsed keys ({@link io.podidentity.token.JwkKeys}),
 * so a verification costs one signature check and no JWKS parsing. {@link
 * io.podidentity.token.TokenVerifier#standard(java.time.Clock)} is stateless and shared by all
 * clusters.
 *
 * <pre>{@code
 * JwksSource keys = JwksSource.fromUrl(jwksUri, JwksFetchOptions.DEFAULTS, clock);
 *     // or JwksSource.inline(json), JwksSource.fromIssuerDiscovery(issuer, options, clock)
 * ClusterTrust trust = new ClusterTrust("prod", issuer, keys);       // aud pods.eks.amazonaws.com
 * ServiceAccountClaims claims = TokenVerifier.standard(clock).verify(token, trust);
 * }</pre>
 *
 * <p>Failures are {@link io.podidentity.api.ApiException}s with EKS Auth codes (all 400 except the
 * last): InvalidParameterException when the token breaks the model's JwtToken shape (empty, not
 * three base64url parts); ExpiredTokenException when {@code exp} is more than 60 s past;
 * InvalidTokenException for everything else about the token (over 16 KiB, bad header, {@code
 * none}/HS* or other unaccepted algorithms, unknown kid, bad signature, wrong issuer or audience,
 * {@code nbf}/{@code iat} more than 60 s ahead, claims not of a pod-bound service-account token);
 * ServiceUnavailableException (503) when a JWKS URL has never answered with a key set. The details
 * and the reasons for each choice are on {@link io.podidentity.token.internal.JwtTokenVerifier}.
 *
 * <h2>Minting</h2>
 *
 * <p>{@link io.podidentity.token.LocalSigningKey#loadOrCreate(java.nio.file.Path)} keeps the local
 * cluster's RSA key in the data directory; {@link io.podidentity.token.TokenMinter} signs tokens
 * with the exact claim layout of kube-apiserver from a validated {@link
 * io.podidentity.token.MintRequest}; {@link io.podidentity.token.LocalSigningKey#jwksSource()}
 * gives the matching trust.
 */
package io.podidentity.token;
