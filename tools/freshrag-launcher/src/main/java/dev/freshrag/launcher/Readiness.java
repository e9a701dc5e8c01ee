package dev.freshrag.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Readiness as the launcher sees it: a service is ready when {@code GET /q/health/ready} answers 200, the
 * broker when its port accepts a TCP connection. Probes go to the address the services listen on.
 */
public final class Readiness {

    public static final String READY_PATH = "/q/health/ready";
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();

    private Readiness() {
    }

    /**
     * The address to probe for a listen address: the address itself, but loopback for a wildcard
     * ({@code 0.0.0.0}, {@code ::}) which cannot be connected to on every platform.
     */
    public static String probeHost(String listenHost) {
        String h = listenHost == null ? "" : listenHost.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return switch (h) {
            case "", "0.0.0.0" -> "127.0.0.1";
            case "::", "0:0:0:0:0:0:0:0" -> "::1";
            default -> h;
        };
    }

    /** {@code http://host:port} with IPv6 literals in brackets. */
    public static String baseUrl(String host, int port) {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The HTTP status of {@code GET path}, or -1 when nothing answers. */
    public static int httpStatus(String host, int port, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl(host, port) + path)).timeout(TIMEOUT).GET().build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Whether something accepts TCP connections on host:port. */
    public static boolean portOpen(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
