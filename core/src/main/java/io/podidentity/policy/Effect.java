package io.podidentity.policy;

/** A statement's Effect. */
public enum Effect {
  ALLOW,
  DENY
}
