package dev.freshrag.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class ReadinessTest {

    @Test
    void wildcardListenAddressesAreProbedOnLoopback() {
        assertEquals("127.0.0.1", Readiness.probeHost("0.0.0.0"));
        assertEquals("::1", Readiness.probeHost("::"));
        assertEquals("::1", Readiness.probeHost("[::]"));
        assertEquals("127.0.0.1", Readiness.probeHost(""));
        assertEquals("10.1.2.3", Readiness.probeHost("10.1.2.3"));
        assertEquals("localhost", Readiness.probeHost("localhost"));
    }

    @Test
    void ipv6HostsAreBracketedInUrls() {
        assertEquals("http://[::1]:8080", Readiness.baseUrl("::1", 8080));
        assertEquals("http://127.0.0.1:8080", Readiness.baseUrl("127.0.0.1", 8080));
    }

    @Test
    void httpStatusAndPortOpenSeeARealServer() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(Readiness.READY_PATH, ex -> {
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        try {
            assertEquals(503, Readiness.httpStatus("127.0.0.1", port, Readiness.READY_PATH));
            assertTrue(Readiness.portOpen("127.0.0.1", port));
        } finally {
            server.stop(0);
        }
        assertEquals(-1, Readiness.httpStatus("127.0.0.1", port, Readiness.READY_PATH));
    }

    @Test
    void aClosedPortIsNotOpen() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
            assertTrue(Readiness.portOpen("127.0.0.1", port));
        }
        assertFalse(Readiness.portOpen("127.0.0.1", port));
    }
}
