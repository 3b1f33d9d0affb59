package io.podidentity.sigv4;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The verifier against requests signed by the AWS SDK for Java v2's own SigV4 signer, so our
 * canonicalisation is checked against an independent implementation, not against itself.
 */
class SigV4VerifierTest {
  static final String AKID = "AKIAIOSFODNN7EXAMPLE";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  final Map<String, SigningSecret<String>> keys = new LinkedHashMap<>();
  Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  SigV4VerifierTest() {
    keys.put(AKID, new SigningSecret<>(AKID, SECRET, Optional.empty(), Optional.empty(), "admin"));
  }

  SigV4Verifier<String> verifier() {
    return new SigV4Verifier<>(
        id -> Optional.ofNullable(keys.get(id)),
        SigV4Verifier.regionAndServices(
            "us-east-1", Set.of("eks", "eks-auth"), Set.of("iam", "sts")),
        clock);
  }

  static HttpRequestView sdkSigned(
      String method,
      String uri,
      String body,
      AwsCredentialsIdentity creds,
      String region,
      String service,
      Instant at) {
    URI u = URI.create(uri);
    byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
    SdkHttpFullRequest.Builder rb =
        SdkHttpFullRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(u);
    if (bytes != null) {
      rb.putHeader("Content-Type", "application/json");
    }
    SdkHttpRequest req = rb.build();
    SignedRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(creds)
                        .request(req)
                        .payload(bytes == null ? null : ContentStreamProvider.fromByteArray(bytes))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(
                            AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)));
    Map<String, List<String>> headers = new LinkedHashMap<>();
    signed.request().forEachHeader((k, v) -> headers.put(k, new ArrayList<>(v)));
    if (!headers.containsKey("Host")) {
      headers.put("Host", List.of(u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort()));
    }
    byte[] sent;
    try {
      sent =
          signed.payload().isPresent()
              ? signed.payload().get().newStream().readAllBytes()
              : new byte[0];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new HttpRequestView(
        method, signed.request().encodedPath(), rawQuery(signed.request()), headers, sent);
  }

  static String rawQuery(SdkHttpRequest r) {
    return r.getUri().getRawQuery() == null ? "" : r.getUri().getRawQuery();
  }

  static AwsCredentialsIdentity basic() {
    return AwsBasicCredentials.create(AKID, SECRET);
  }

  @Test
  void acceptsAPostSignedByTheSdk() {
    HttpRequestView r =
        sdkSigned(
            "POST",
            "http://127.0.0.1:7700/clusters/local/pod-identity-associations",
            "{\"namespace\":\"default\"}",
            basic(),
            "us-east-1",
            "eks",
            NOW);
    assertThat(verifier().verify(r)).isInstanceOf(SigV4Verifier.Verified.class);
  }

  @Test
  void acceptsAGetWithAQueryStringSignedByTheSdk() {
    HttpRequestView r =
        sdkSigned(
            "GET",
            "http://127.0.0.1:7700/clusters/local/pod-identity-associations?namespace=a%20b&maxResults=5&nextToken=x%2By%3D",
            null,
            basic(),
            "us-east-1",
            "eks",
            NOW);
    assertThat(verifier().verify(r)).isInstanceOf(SigV4Verifier.Verified.class);
  }

  @Test
  void acceptsAnEncodedSlashInsideAPathLabel() {
    HttpRequestView r =
        sdkSigned(
            "GET", "http://127.0.0.1:7700/clusters/a%2Fb", null, basic(), "us-east-1", "eks", NOW);
    assertThat(verifier().verify(r)).isInstanceOf(SigV4Verifier.Verified.class);
  }

  @Test
  void acceptsSessionCredentialsWithTheirToken() {
    keys.put(
        "ASIATEMP",
        new SigningSecret<>(
            "ASIATEMP", SECRET, Optional.of("tok"), Optional.of(NOW.plusSeconds(60)), "session"));
    HttpRequestView r =
        sdkSigned(
            "GET",
            "http://127.0.0.1:7700/clusters",
            null,
            AwsSessionCredentials.create("ASIATEMP", SECRET, "tok"),
            "us-east-1",
            "eks",
            NOW);
    assertThat(verifier().verify(r)).isInstanceOf(SigV4Verifier.Verified.class);
  }

  @Test
  void rejectsExpiredSessionCredentials() {
    keys.put(
        "ASIATEMP",
        new SigningSecret<>(
            "ASIATEMP", SECRET, Optional.of("tok"), Optional.of(NOW.minusSeconds(1)), "session"));
    HttpRequestView r =
        sdkSigned(
            "GET",
            "http://127.0.0.1:7700/clusters",
            null,
            AwsSessionCredentials.create("ASIATEMP", SECRET, "tok"),
            "us-east-1",
            "eks",
            NOW);
    assertThat(failure(verifier().verify(r))).isEqualTo(AuthFailure.EXPIRED_TOKEN);
  }

  @Test
  void rejectsAWrongSessionToken() {
    keys.put(
        "ASIATEMP",
        new SigningSecret<>(
            "ASIATEMP", SECRET, Optional.of("tok"), Optional.of(NOW.plusSeconds(60)), "session"));
    HttpRequestView r =
        sdkSigned(
            "GET",
            "http://127.0.0.1:7700/clusters",
            null,
            AwsSessionCredentials.create("ASIATEMP", SECRET, "other"),
            "us-east-1",
            "eks",
            NOW);
    assertThat(failure(verifier().verify(r))).isEqualTo(AuthFailure.BAD_TOKEN);
  }

  @Test
  void rejectsATamperedBody() {
    HttpRequestView r =
        sdkSigned(
            "POST",
            "http://127.0.0.1:7700/clusters/x",
            "{\"a\":1}",
            basic(),
            "us-east-1",
            "eks",
            NOW);
    HttpRequestView tampered =
        new HttpRequestView(
            r.method(),
            r.rawPath(),
            r.rawQuery(),
            r.headers(),
            "{\"a\":2}".getBytes(StandardCharsets.UTF_8));
    assertThat(failure(verifier().verify(tampered))).isEqualTo(AuthFailure.BAD_SIGNATURE);
  }

  @Test
  void rejectsATamperedPath() {
    HttpRequestView r =
        sdkSigned(
            "GET", "http://127.0.0.1:7700/clusters/x", null, basic(), "us-east-1", "eks", NOW);
    HttpRequestView tampered =
        new HttpRequestView(r.method(), "/clusters/y", r.rawQuery(), r.headers(), r.body());
    assertThat(failure(verifier().verify(tampered))).isEqualTo(AuthFailure.BAD_SIGNATURE);
  }

  @Test
  void rejectsAWrongSecret() {
    HttpRequestView r =
        sdkSigned(
            "GET",
            "http://127.0.0.1:7700/clusters",
            null,
            AwsBasicCredentials.create(AKID, "not-the-secret"),
            "us-east-1",
            "eks",
            NOW);
    assertThat(failure(verifier().verify(r))).isEqualTo(AuthFailure.BAD_SIGNATURE);
  }

  @Test
  void rejectsAnUnknownKey() {
    HttpRequestView r =
        sdkSigned(
            "GET",
            "http://127.0.0.1:7700/clusters",
            null,
            AwsBasicCredentials.create("AKIAUNKNOWN", SECRET),
            "us-east-1",
            "eks",
            NOW);
    assertThat(failure(verifier().verify(r))).isEqualTo(AuthFailure.UNKNOWN_KEY);
  }

  @Test
  void rejectsASignatureOlderThanFifteenMinutes() {
    HttpRequestView r =
        sdkSigned(
            "GET",
            "http://127.0.0.1:7700/clusters",
            null,
            basic(),
            "us-east-1",
            "eks",
            NOW.minus(Duration.ofMinutes(16)));
    SigV4Verifier.Result<String> res = verifier().verify(r);
    assertThat(failure(res)).isEqualTo(AuthFailure.SIGNATURE_EXPIRED);
    assertThat(((SigV4Verifier.Rejected<String>) res).message()).startsWith("Signature expired:");
  }

  @Test
  void acceptsASignatureFourteenMinutesOld() {
    HttpRequestView r =
        sdkSigned(
            "GET",
            "http://127.0.0.1:7700/clusters",
            null,
            basic(),
            "us-east-1",
            "eks",
            NOW.minus(Duration.ofMinutes(14)));
    assertThat(verifier().verify(r)).isInstanceOf(SigV4Verifier.Verified.class);
  }

  @Test
  void rejectsAnotherRegionInTheScope() {
    HttpRequestView r =
        sdkSigned("GET", "http://127.0.0.1:7700/clusters", null, basic(), "eu-west-1", "eks", NOW);
    assertThat(failure(verifier().verify(r))).isEqualTo(AuthFailure.BAD_SCOPE);
  }

  @Test
  void acceptsIamSignedForUsEast1AsAGlobalService() {
    HttpRequestView r =
        sdkSigned(
            "POST", "http://127.0.0.1:7700/", "Action=ListRoles", basic(), "us-east-1", "iam", NOW);
    assertThat(verifier().verify(r)).isInstanceOf(SigV4Verifier.Verified.class);
  }

  @Test
  void rejectsAnUnknownServiceInTheScope() {
    HttpRequestView r =
        sdkSigned("GET", "http://127.0.0.1:7700/", null, basic(), "us-east-1", "s3", NOW);
    assertThat(failure(verifier().verify(r))).isEqualTo(AuthFailure.BAD_SCOPE);
  }

  @Test
  void aMissingAuthorizationHeaderIsMissing() {
    HttpRequestView r =
        new HttpRequestView("GET", "/clusters", "", Map.of("Host", List.of("x")), new byte[0]);
    assertThat(failure(verifier().verify(r))).isEqualTo(AuthFailure.MISSING);
  }

  @Test
  void anAuthorizationHeaderWithoutSignatureIsIncomplete() {
    HttpRequestView r =
        new HttpRequestView(
            "GET",
            "/clusters",
            "",
            Map.of(
                "Authorization",
                List.of("AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/eks/aws4_request"),
                "X-Amz-Date",
                List.of("20261123T120000Z")),
            new byte[0]);
    SigV4Verifier.Result<String> res = verifier().verify(r);
    assertThat(failure(res)).isEqualTo(AuthFailure.INCOMPLETE);
    assertThat(((SigV4Verifier.Rejected<String>) res).message())
        .contains("'SignedHeaders'", "'Signature'");
  }

  @Test
  void ourSignerProducesWhatTheVerifierAccepts() {
    URI u = URI.create("http://127.0.0.1:7700/clusters/local/assume-role-for-pod-identity");
    byte[] body = "{\"token\":\"a.b.c\"}".getBytes(StandardCharsets.UTF_8);
    Map<String, String> h =
        SigV4Signer.sign(
            "POST",
            u,
            Map.of("Content-Type", "application/json"),
            body,
            new SigV4Signer.Credentials(AKID, SECRET, Optional.empty()),
            "us-east-1",
            "eks-auth",
            NOW);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    h.forEach((k, v) -> headers.put(k, List.of(v)));
    assertThat(verifier().verify(new HttpRequestView("POST", u.getRawPath(), "", headers, body)))
        .isInstanceOf(SigV4Verifier.Verified.class);
  }

  @Test
  void aRotatedSecretIsUsedAtOnceDespiteTheDerivedKeyCache() {
    SigV4Verifier<String> v = verifier();
    assertThat(
            v.verify(
                sdkSigned(
                    "GET",
                    "http://127.0.0.1:7700/clusters",
                    null,
                    basic(),
                    "us-east-1",
                    "eks",
                    NOW)))
        .isInstanceOf(SigV4Verifier.Verified.class);
    String rotated = "r".repeat(40);
    keys.put(AKID, new SigningSecret<>(AKID, rotated, Optional.empty(), Optional.empty(), "admin"));
    assertThat(
            v.verify(
                sdkSigned(
                    "GET",
                    "http://127.0.0.1:7700/clusters",
                    null,
                    AwsBasicCredentials.create(AKID, rotated),
                    "us-east-1",
                    "eks",
                    NOW)))
        .isInstanceOf(SigV4Verifier.Verified.class);
    assertThat(
            failure(
                v.verify(
                    sdkSigned(
                        "GET",
                        "http://127.0.0.1:7700/clusters",
                        null,
                        basic(),
                        "us-east-1",
                        "eks",
                        NOW))))
        .isEqualTo(AuthFailure.BAD_SIGNATURE);
  }

  static AuthFailure failure(SigV4Verifier.Result<String> r) {
    assertThat(r).isInstanceOf(SigV4Verifier.Rejected.class);
    return ((SigV4Verifier.Rejected<String>) r).failure();
  }
}
