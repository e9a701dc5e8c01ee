package dev.freshrag.launcher;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Stands in for a Quarkus service in {@link ServiceProcessTest}: serves {@code /q/health/ready} on
 * {@code QUARKUS_HTTP_PORT}. {@code FAKE_MODE}: {@code ok} (ready after {@code FAKE_READY_AFTER_MS}),
 * {@code die} (exits with code 3), {@code never} (never ready).
 */
public final class FakeService {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv("QUARKUS_HTTP_PORT"));
        String mode = System.getenv().getOrDefault("FAKE_MODE", "ok");
        long readyAfter = Long.parseLong(System.getenv().getOrDefault("FAKE_READY_AFTER_MS", "500"));
        System.out.println("fake service starting on " + port + " mode " + mode);
        if (mode.equals("die")) {
            System.out.println("boom: cannot start");
            System.exit(3);
        }
        long started = System.currentTimeMillis();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/q/health/ready", ex -> {
            boolean ready = mode.equals("ok") && System.currentTimeMillis() - started >= readyAfter;
            byte[] body = (ready ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ready ? 200 : 503, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/env", ex -> {
            String name = ex.getRequestURI().getPath().substring("/env/".length());
            byte[] body = String.valueOf(System.getenv(name)).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("graceful shutdown");
            System.out.flush();
            server.stop(0);
        }));
        server.start();
        System.out.println("listening");
        Thread.currentThread().join();
    }

    private FakeService() {
    }
}
