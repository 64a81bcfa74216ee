/**
 * Publishing a workspace's approved state to targets (Git repositories, Kubernetes clusters): targets, plans, the
 * publication outbox and its worker, and drift. Adapters implement {@link dev.portcullis.publish.TargetAdapter};
 * Git's is in {@code publish.git}, Kubernetes' in {@code publish.kubernetes}.
 */
@NullMarked
package dev.portcullis.publish;

import org.jspecify.annotations.NullMarked;
