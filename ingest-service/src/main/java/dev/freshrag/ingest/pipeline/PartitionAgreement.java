package dev.freshrag.ingest.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jboss.logging.Logger;

/**
 * Refuses to start when kb.doc-changes and the document state's changelog disagree on partitions. A document's state
 * lives in the task of the partition its key hashes to; after kb.doc-changes grows, the same key hashes elsewhere and
 * meets an empty state there (the version guard forgets it, and its chunks diff against nothing), silently.
 */
final class PartitionAgreement {

    private static final Logger LOG = Logger.getLogger(PartitionAgreement.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private PartitionAgreement() {
    }

    /** The changelog topic Kafka Streams keeps the document state in. */
    static String changelog(String applicationId) {
        return applicationId + "-" + TopologyProducer.DOCUMENT_STATE_STORE + "-changelog";
    }

    /** Why the two disagree, with how to migrate; empty when they agree or the changelog does not exist yet. */
    static Optional<String> problem(String docChanges, int docChangesPartitions, String changelog, OptionalInt changelogPartitions) {
        if (changelogPartitions.isEmpty() || changelogPartitions.getAsInt() == docChangesPartitions) {
            return Optional.empty();
        }
        return Optional.of(docChanges + " has " + docChangesPartitions + " partitions but the document state's changelog "
                + changelog + " has " + changelogPartitions.getAsInt() + ": documents would be guarded by the wrong state. "
                + "To migrate: stop every ingest-service, give kb.doc-changes, kb.doc-log, kb.chunk-ops and kb.chunk-ops.bulk "
                + "the same new partition count, delete " + changelog + " and the ingest's state directories (or use a new "
                + "quarkus.kafka-streams.application-id), start one ingest-service to rebuild the state from kb.doc-changes, "
                + "then run ./freshrag verify. Or set kb.doc-changes back to " + changelogPartitions.getAsInt() + " partitions "
                + "by recreating it from kb.doc-log.");
    }

    /**
     * Why kb.doc-changes.bulk cannot serve as the deferred lane; empty when it has as many partitions as kb.doc-changes
     * or does not exist yet. A deferred record is copied to the partition number it had and must come back to the same
     * task: with fewer partitions some records would land in another task, with the wrong document state.
     */
    static Optional<String> deferredProblem(String docChanges, int docChangesPartitions, String deferred, OptionalInt deferredPartitions) {
        if (deferredPartitions.isEmpty() || deferredPartitions.getAsInt() == docChangesPartitions) {
            return Optional.empty();
        }
        return Optional.of(docChanges + " has " + docChangesPartitions + " partitions but " + deferred + " (the ingest's"
                + " deferred lane) has " + deferredPartitions.getAsInt() + ": give " + deferred + " the same partition count"
                + " (it is written and read only by the ingest-service; once no ingest-service runs it may be deleted and"
                + " recreated when it holds nothing unprocessed)");
    }

    /**
     * Looks both topics up and throws when they disagree. A broker that cannot be asked (not up yet, other security
     * settings) is logged and not a refusal: the extension waits for the topics anyway, and a fresh start has no
     * changelog.
     */
    static void check(String bootstrap, String applicationId, String docChanges, String docChangesBulk) {
        String changelog = changelog(applicationId);
        Optional<String> problem;
        // bounded by the gets below (the client's own default.api.timeout.ms may not be below its 30 s request timeout)
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            OptionalInt input = partitions(admin, docChanges);
            if (input.isEmpty()) {
                return;
            }
            problem = problem(docChanges, input.getAsInt(), changelog, partitions(admin, changelog))
                    .or(() -> deferredProblem(docChanges, input.getAsInt(), docChangesBulk, partitionsOrEmpty(admin, docChangesBulk)));
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warnf("could not compare the partitions of %s and %s (%s); not checked", docChanges, changelog, e.toString());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (problem.isPresent()) {
            throw new IllegalStateException(problem.get());
        }
    }

    private static OptionalInt partitionsOrEmpty(Admin admin, String topic) {
        try {
            return partitions(admin, topic);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not describe " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }

    private static OptionalInt partitions(Admin admin, String topic) throws ExecutionException, InterruptedException, TimeoutException {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            return OptionalInt.of(d.partitions().size());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return OptionalInt.empty();
            }
            throw e;
        }
    }
}
