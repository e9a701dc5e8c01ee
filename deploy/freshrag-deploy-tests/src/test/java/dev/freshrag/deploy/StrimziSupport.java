package dev.freshrag.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Strimzi releases the manifests support, and the Kafka versions each of them runs (from each release's
 * kafka-versions.yaml, `supported: true`). The Kafka resource must use `kafka.strimzi.io/v1` and a Kafka version every
 * release in the range supports; deploy/README.md must state the same range.
 */
final class StrimziSupport {

    /** As deploy/README.md states it. */
    static final String RANGE = "Strimzi 1.1.0 to 1.2.x";

    /** Supported Kafka versions per Strimzi release in the range (1.1.0 dropped 4.1.x; 1.2.0 added 4.3.1). */
    static final Map<String, Set<String>> KAFKA_BY_STRIMZI = new LinkedHashMap<>();

    static {
        KAFKA_BY_STRIMZI.put("1.1.0", Set.of("4.2.0", "4.2.1", "4.3.0"));
        KAFKA_BY_STRIMZI.put("1.2.0", Set.of("4.2.0", "4.2.1", "4.3.0", "4.3.1"));
    }

    private StrimziSupport() {
    }

    static List<String> check(Map<String, Object> kafka) {
        List<String> problems = new ArrayList<>();
        String name = Rendered.name(kafka);
        if (!"kafka.strimzi.io/v1".equals(kafka.get("apiVersion"))) {
            problems.add("Kafka " + name + " uses " + kafka.get("apiVersion") + "; Strimzi 1.0 and newer serve only kafka.strimzi.io/v1");
        }
        String version = Yml.str(kafka, "spec", "kafka", "version");
        KAFKA_BY_STRIMZI.forEach((strimzi, kafkas) -> {
            if (!kafkas.contains(version)) {
                problems.add("Kafka " + name + " version " + version + " is not supported by Strimzi " + strimzi + " (supports " + kafkas + ")");
            }
        });
        String metadata = Yml.str(kafka, "spec", "kafka", "metadataVersion");
        if (version != null && (metadata == null || !metadata.startsWith(version.substring(0, version.lastIndexOf('.')) + "-IV"))) {
            problems.add("Kafka " + name + " metadataVersion " + metadata + " does not belong to Kafka " + version);
        }
        Map<String, String> ann = Yml.strings(kafka, "metadata", "annotations");
        for (String gone : List.of("strimzi.io/kraft", "strimzi.io/node-pools")) {
            if (ann.containsKey(gone)) {
                problems.add("Kafka " + name + " carries " + gone + ", which Strimzi 1.x ignores (KRaft and node pools are the only mode)");
            }
        }
        return problems;
    }

    /** Whether deploy/README.md states {@link #RANGE}. */
    static boolean readmeStatesRange() {
        try {
            return Files.readString(RepoRoot.get().resolve("deploy/README.md")).contains(RANGE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
