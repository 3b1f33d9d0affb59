package io.podidentity.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podidentity.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WireFormatTest {
  private static final String OK =
      "{\"subject\":{\"namespace\":\"n\",\"serviceAccount\":\"s\"},\"audience\":\"pods.eks.amazonaws.com\","
          + "\"podIdentityAssociation\":{\"associationArn\":\"arn:aws:eks:us-east-1:111122223333:podidentityassociation/c/a-1\",\"associationId\":\"a-1\"},"
          + "\"assumedRoleUser\":{\"arn\":\"arn:aws:sts::111122223333:assumed-role/r/s\",\"assumeRoleId\":\"AROA:s\"},"
          + "\"credentials\":{\"accessKeyId\":\"ASIA1\",\"secretAccessKey\":\"sk\",\"sessionToken\":\"st\",\"expiration\":%s}}";

  private static PodCredentials parse(String json) {
    return EksAuthClient.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void expirationHasNoFractionWhenWholeSeconds() {
    assertThat(CredentialsHandler.rfc3339(Instant.parse("2024-01-01T06:00:00Z")))
        .isEqualTo("2024-01-01T06:00:00Z");
  }

  @Test
  void expirationFractionIsTrimmedLikeGosRfc3339Nano() {
    assertThat(CredentialsHandler.rfc3339(Instant.parse("1996-03-27T07:45:23.123456789Z")))
        .isEqualTo("1996-03-27T07:45:23.123456789Z");
    assertThat(CredentialsHandler.rfc3339(Instant.parse("1996-03-27T07:45:23.100Z")))
        .isEqualTo("1996-03-27T07:45:23.1Z");
  }

  @Test
  void epochSecondsWithMillisAreRead() {
    PodCredentials c = parse(OK.formatted("1700884334.922"));

    assertThat(c.expiration()).isEqualTo(Instant.parse("2023-11-25T03:52:14.922Z"));
    assertThat(c.accountId()).isEqualTo("111122223333");
    assertThat(new String(c.body(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"AccessKeyId\":\"ASIA1\",\"SecretAccessKey\":\"sk\",\"Token\":\"st\","
                + "\"AccountId\":\"111122223333\",\"Expiration\":\"2023-11-25T03:52:14.922Z\"}");
  }

  @Test
  void aMissingCredentialIsABadServerResponse() {
    assertThatThrownBy(
            () -> parse(OK.formatted("1700884334").replace("\"sessionToken\":\"st\",", "")))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo("BadServerResponse");
              assertThat(e.status()).isEqualTo(502);
            })
        .hasMessageContaining("credentials.sessionToken");
  }

  @Test
  void anArnWithoutAccountIsABadServerResponse() {
    assertThatThrownBy(
            () ->
                parse(
                    OK.formatted("1700884334")
                        .replace("arn:aws:sts::111122223333:assumed-role/r/s", "not-an-arn")))
        .hasMessageContaining("assumedRoleUser.arn");
  }

  @Test
  void secretsNeverAppearInToString() {
    PodCredentials c = parse(OK.formatted("1700884334"));

    assertThat(c.toString()).doesNotContain("sk").doesNotContain("\"st\"");
  }

  @Test
  void stringsAreJsonEscaped() {
    assertThat(new String(CredentialsHandler.errorBody("C", "a\"b\\c\nd"), StandardCharsets.UTF_8))
        .isEqualTo("{\"code\":\"C\",\"message\":\"a\\\"b\\\\c\\nd\"}");
  }
}
