package io.podidentity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs every command of docs/walkthrough.md and checks its expected output. */
class WalkthroughTest {
  @Test
  void everyCommandOfTheWalkthroughWorks() throws Exception {
    for (int port : new int[] {7700, 7701, 7702, 7710, 7711, 7712, 5055}) {
      assertPortFree(port);
    }
    Path doc = Path.of("..", "docs", "walkthrough.md");
    List<DocRunner.Block> blocks = DocRunner.parse(Files.readString(doc));
    assertThat(blocks).hasSizeGreaterThan(8);
    Path work = Files.createTempDirectory("walkthrough");
    List<DocRunner.Ran> ran = DocRunner.run(blocks, work, Map.of(), 300);
    assertThat(ran).hasSize(blocks.size());
    for (DocRunner.Ran r : ran) {
      for (String want : r.block().expected()) {
        assertThat(r.output())
            .as("output of block %d:%n%s", r.block().index(), r.block().script())
            .contains(want);
      }
    }
  }

  static void assertPortFree(int port) throws IOException {
    try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(s.getLocalPort()).isEqualTo(port);
    } catch (java.net.BindException e) {
      throw new AssertionError(
          "port "
              + port
              + " on 127.0.0.1 is taken; the walkthrough uses podidentity's default ports",
          e);
    }
  }
}
