/**
 * The IAM policy language: parse and validate policy documents, and evaluate them as AWS does.
 *
 * <ul>
 *   <li>{@link io.podidentity.policy.PolicyDocument#parse(String, PolicyKind)} validates a document
 *       of a {@link io.podidentity.policy.PolicyKind} (IDENTITY: permission and session policies;
 *       TRUST: a role's trust policy) or throws {@link io.podidentity.api.ApiException} {@code
 *       MalformedPolicyDocument} (400) with the reason, and nothing else, for any input.
 *   <li>{@link io.podidentity.policy.PolicyEvaluator#evaluate(java.util.List, java.util.List,
 *       RequestContext)} decides a request against identity policies (and session policies, which
 *       intersect); {@link io.podidentity.policy.PolicyEvaluator#evaluateTrust(PolicyDocument,
 *       RequestContext)} decides whether a caller may act on a role under its trust policy.
 *   <li>The {@link io.podidentity.policy.EvaluationResult} names the {@link
 *       io.podidentity.policy.Decision} and the {@link io.podidentity.policy.MatchedStatement}s
 *       that made it, for SimulatePrincipalPolicy.
 *   <li>{@link io.podidentity.policy.PolicyLimits} holds IAM's size quotas and counts size as IAM
 *       does (white space excluded).
 * </ul>
 *
 * <p>Sources: IAM User Guide pages "Policy evaluation logic", "IAM JSON policy element reference",
 * "IAM JSON policy elements: Condition operators", "Conditions with multiple context keys or
 * values", "IAM policy elements: Variables and tags", "IAM JSON policy elements: Principal", "IAM
 * and AWS STS quotas". The table-driven tests under {@code core/src/test/resources/policy/cases/}
 * cite the page each group comes from.
 *
 * <p>Choices where AWS's documentation is silent: duplicate JSON member names, an empty Statement
 * list and condition values that do not parse for their operator (numbers, dates, CIDRs, base64,
 * booleans) are rejected as MalformedPolicyDocument; operator and element names are case-sensitive;
 * a policy variable that cannot be resolved (absent or multivalued key, no default) makes its
 * statement not apply, whether Allow or Deny.
 */
package io.podidentity.policy;
