package io.podidentity.policy;

import io.podidentity.policy.internal.Model;
import io.podidentity.policy.internal.PolicyParser;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A validated IAM policy document: immutable, holding the exact text it was parsed from.
 *
 * <p>{@link #parse} accepts what IAM accepts: Version {@code 2012-10-17} or {@code 2008-10-17} (no
 * Version means 2008-10-17, in which {@code ${...}} is literal text), Statement as an object or an
 * array, and the elements Sid, Effect, Principal/NotPrincipal, Action/NotAction,
 * Resource/NotResource and Condition (every documented operator family, {@code ...IfExists}, {@code
 * ForAllValues:}/{@code ForAnyValue:}). Element and operator names are case-sensitive as IAM's are.
 *
 * <p>Any invalid input (including null, non-JSON, too deep or larger than {@link
 * PolicyLimits#MAX_PARSE_CHARS}) raises {@link io.podidentity.api.ApiException} with code {@code
 * MalformedPolicyDocument}, status 400 and a specific reason; nothing else is ever thrown. IAM's
 * size quotas ({@link PolicyLimits}) are not enforced here: they are per role and answered with
 * {@code LimitExceeded}, so callers check them with {@link PolicyLimits#countedSize}.
 */
public final class PolicyDocument {
  private final String source;
  private final PolicyKind kind;
  private final Model.Policy model;

  private PolicyDocument(String source, PolicyKind kind, Model.Policy model) {
    this.source = source;
    this.kind = kind;
    this.model = model;
  }

  /** Parses and validates {@code json} as a policy of {@code kind}. */
  public static PolicyDocument parse(String json, PolicyKind kind) {
    Model.Policy model = PolicyParser.parse(json, kind);
    return new PolicyDocument(json, kind, model);
  }

  /** The text exactly as given to {@link #parse}. */
  public String source() {
    return source;
  }

  public PolicyKind kind() {
    return kind;
  }

  /** The effective Version: {@code 2012-10-17} or {@code 2008-10-17}. */
  public String version() {
    return model.version();
  }

  /** The document's Id element, or null. */
  public String id() {
    return model.id();
  }

  /** The number of statements. */
  public int statementCount() {
    return model.statements().size();
  }

  /**
   * The request-context keys this policy refers to (condition keys and policy variables), as first
   * written, without duplicates (compared case-insensitively), sorted. SimulatePrincipalPolicy
   * reports those the caller did not supply as {@code MissingContextValues}.
   */
  public SortedSet<String> contextKeys() {
    TreeSet<String> keys = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (Model.Statement s : model.statements()) {
      if (s.resources() != null) {
        s.resources().forEach(t -> keys.addAll(t.variableKeys()));
      }
      for (Model.Clause c : s.conditions()) {
        keys.add(c.keyAsWritten());
        c.templates().forEach(t -> keys.addAll(t.variableKeys()));
      }
    }
    return Collections.unmodifiableSortedSet(keys);
  }

  Model.Policy model() {
    return model;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PolicyDocument d && d.kind == kind && d.source.equals(source);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, kind);
  }

  @Override
  public String toString() {
    return "PolicyDocument{" + kind + ", " + model.statements().size() + " statement(s)}";
  }
}
