package io.podidentity.association;

import java.util.Optional;

/**
 * Finds the association of a pod's (namespace, service account) in a cluster: the lookup on every
 * AssumeRoleForPodIdentity call and every webhook admission. {@link AssociationService} is the
 * authoritative implementation; {@link CachedAssociationIndex} keeps answers in memory.
 */
@FunctionalInterface
public interface AssociationIndex {
  Optional<Association> find(String cluster, String namespace, String serviceAccount);
}
