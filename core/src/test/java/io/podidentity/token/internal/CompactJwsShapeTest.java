package io.podidentity.token.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written shape check agrees with the EKS Auth model's JwtToken pattern. */
class CompactJwsShapeTest {
  /** aws-models/eks-auth: JwtToken. */
  static final Pattern MODEL =
      Pattern.compile("[A-Za-z0-9-_=]+\\.[A-Za-z0-9-_=]+\\.[A-Za-z0-9-_=]+");

  @Test
  void agreesWithTheModelPatternOnEdgeCases() {
    for (String s :
        new String[] {
          "a.b.c",
          "a.b.",
          ".b.c",
          "a..c",
          "a.b.c.d",
          "abc",
          "a.b",
          "a=.b-_.c=",
          "a.b.c ",
          "a.b.c\n",
          "é.b.c",
          "",
          ".",
          "..",
          "a.b.c/"
        }) {
      assertThat(JwtTokenVerifier.isCompactJws(s)).as(s).isEqualTo(MODEL.matcher(s).matches());
    }
  }

  @Test
  void agreesWithTheModelPatternOnRandomStrings() {
    Random r = new Random(42);
    String alphabet = "ab.=-_/+ \n";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = r.nextInt(12);
      for (int k = 0; k < n; k++) {
        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String s = sb.toString();
      assertThat(JwtTokenVerifier.isCompactJws(s)).as(s).isEqualTo(MODEL.matcher(s).matches());
    }
  }
}
