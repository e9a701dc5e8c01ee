package dev.freshrag.cli;

import dev.freshrag.localkafka.SingleNodeBroker;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local broker's {@code server.properties}: one KRaft node on loopback (broker and controller, a static
 * voter, so storage is formatted without {@code --standalone}) plus {@link SingleNodeBroker#settings()}.
 */
public final class ServerProperties {

    private ServerProperties() {
    }

    public static Map<String, String> of(int kafkaPort, int controllerPort, String logDirs) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + kafkaPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + kafkaPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDirs);
        p.putAll(SingleNodeBroker.settings());
        return p;
    }

    /** The file's text. Values are written as they are: ports, names and a path without line breaks. */
    public static String render(Map<String, String> properties) {
        StringBuilder sb = new StringBuilder("# Written by ./freshrag up on every start (dev.freshrag.cli.ServerProperties"
                + " and dev.freshrag.localkafka.SingleNodeBroker); edit those, not this file.\n");
        properties.forEach((k, v) -> sb.append(k).append('=').append(escape(v)).append('\n'));
        return sb.toString();
    }

    // java.util.Properties reads a backslash as an escape: a Windows-style path would lose its separators
    private static String escape(String v) {
        return v.replace("\\", "\\\\");
    }
}
