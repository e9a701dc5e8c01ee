package dev.freshrag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshrag.localkafka.SingleNodeBroker;
import java.io.StringReader;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ServerPropertiesTest {

    private static Properties parse(String text) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    @Test
    void aSingleKraftNodeOnLoopbackWithTheSharedSettings() throws Exception {
        Properties p = parse(ServerProperties.render(ServerProperties.of(29092, 29093, "/data/kafka/data")));
        assertEquals("broker,controller", p.getProperty("process.roles"));
        assertEquals("1@127.0.0.1:29093", p.getProperty("controller.quorum.voters"));
        assertEquals("PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093", p.getProperty("listeners"));
        assertEquals("PLAINTEXT://127.0.0.1:29092", p.getProperty("advertised.listeners"));
        assertEquals("/data/kafka/data", p.getProperty("log.dirs"));
        SingleNodeBroker.settings().forEach((k, v) -> assertEquals(v, p.getProperty(k), k));
        assertEquals("1", p.getProperty("transaction.state.log.min.isr"));
        assertEquals("false", p.getProperty("auto.create.topics.enable"));
    }

    @Test
    void aPathWithBackslashesSurvivesPropertiesEscaping() throws Exception {
        Properties p = parse(ServerProperties.render(ServerProperties.of(1, 2, "C:\\kafka\\data")));
        assertEquals("C:\\kafka\\data", p.getProperty("log.dirs"));
    }

    @Test
    void theFileSaysWhereItComesFrom() {
        assertTrue(ServerProperties.render(ServerProperties.of(1, 2, "/d")).startsWith("# Written by ./freshrag up"));
    }
}
