package io.podidentity.cli;

import io.podidentity.association.AssociationService;
import io.podidentity.webhook.AssociationSource;
import java.util.Optional;

/**
 * The webhook's association source inside {@code podidentity up}: reads the server's store
 * directly, so a pod admitted right after its association was created is always mutated.
 */
final class InProcessAssociations implements AssociationSource {
  private final AssociationService associations;
  private final String cluster;

  InProcessAssociations(AssociationService associations, String cluster) {
    this.associations = associations;
    this.cluster = cluster;
  }

  @Override
  public Optional<Association> lookup(String namespace, String serviceAccount) {
    return associations
        .find(cluster, namespace, serviceAccount)
        .map(a -> new Association(a.associationId(), a.associationArn(), Optional.of(a.roleArn())));
  }
}
