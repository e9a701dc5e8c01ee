package dev.freshrag.cli;

import java.util.List;

/** The processes of a local stack, in start order. */
public enum Component {
    KAFKA("kafka", "FRESHRAG_KAFKA_PORT", 9092, null, 0),
    INGEST("ingest-service", "FRESHRAG_INGEST_PORT", 8081, "FRESHRAG_INGEST_MANAGEMENT_PORT", 9081),
    EMBED("embed-service", "FRESHRAG_EMBED_PORT", 8082, "FRESHRAG_EMBED_MANAGEMENT_PORT", 9082),
    QUERY("query-service", "FRESHRAG_QUERY_PORT", 8080, "FRESHRAG_QUERY_MANAGEMENT_PORT", 9080);

    /** The services, in the order they are stopped: readers of the index before its writer, Kafka last. */
    public static final List<Component> STOP_ORDER = List.of(QUERY, EMBED, INGEST);
    public static final List<Component> SERVICES = List.of(INGEST, EMBED, QUERY);

    private final String id;
    private final String portVariable;
    private final int defaultPort;
    private final String managementPortVariable;
    private final int defaultManagementPort;

    Component(String id, String portVariable, int defaultPort, String managementPortVariable, int defaultManagementPort) {
        this.id = id;
        this.portVariable = portVariable;
        this.defaultPort = defaultPort;
        this.managementPortVariable = managementPortVariable;
        this.defaultManagementPort = defaultManagementPort;
    }

    /**
     * A service's health and metrics live on Quarkus' management interface, a port of their own (in Kubernetes only
     * the monitoring namespace reaches it); null for Kafka.
     */
    public String managementPortVariable() {
        return managementPortVariable;
    }

    public int defaultManagementPort() {
        return defaultManagementPort;
    }

    /** The name in messages, pid and log files; for services also the Maven module and artifactId. */
    public String id() {
        return id;
    }

    public String portVariable() {
        return portVariable;
    }

    public int defaultPort() {
        return defaultPort;
    }

    public boolean isService() {
        return this != KAFKA;
    }
}
