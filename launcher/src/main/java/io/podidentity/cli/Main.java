package io.podidentity.cli;

/** The {@code podidentity} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("podidentity");
  }
}
