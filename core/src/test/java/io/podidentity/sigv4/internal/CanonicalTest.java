package io.podidentity.sigv4.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pieces of the canonical request that AWS's SigV4 documentation spells out. */
class CanonicalTest {
  @Test
  void headerValuesAreTrimmedAndInnerWhitespaceRunsCollapsed() {
    assertThat(Canonical.trimAll("  a   b \t c  ")).isEqualTo("a b c");
    assertThat(Canonical.trimAll("a\tb")).isEqualTo("a b");
    assertThat(Canonical.trimAll("plain value")).isEqualTo("plain value");
  }

  @Test
  void queryParametersAreSortedAndReEncoded() {
    assertThat(Canonical.canonicalQuery("b=2&a=x+y&a=%41")).isEqualTo("a=A&a=x%20y&b=2");
  }

  @Test
  void pathSegmentsAreEncodedTwiceAndDotSegmentsRemoved() {
    assertThat(Canonical.canonicalPath("/clusters/a%2Fb/./x/../y"))
        .isEqualTo("/clusters/a%252Fb/y");
    assertThat(Canonical.canonicalPath("")).isEqualTo("/");
  }

  @Test
  void onlyUnreservedCharactersStayUnencoded() {
    assertThat(Canonical.encode("aZ0-_.~ /+=é")).isEqualTo("aZ0-_.~%20%2F%2B%3D%C3%A9");
  }
}
