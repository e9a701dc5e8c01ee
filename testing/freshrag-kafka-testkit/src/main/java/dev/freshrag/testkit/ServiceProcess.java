package dev.freshrag.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A built Quarkus service ({@code <module>/target/quarkus-app/quarkus-run.jar}) running as a separate OS
 * process, for end-to-end and crash tests:
 *
 * <pre>
 * ServiceProcess ingest = ServiceProcess.forModule("ingest-service")
 *         .env("KAFKA_BOOTSTRAP_SERVERS", KafkaBroker.shared().bootstrapServers())
 *         .systemProperty("freshrag.topics.doc-changes", topics.docChanges())
 *         .start();                       // returns once GET /q/health/ready answers 200
 * ...
 * ingest.kill();                          // crash: SIGKILL
 * ingest = ingest.restart();              // same port, env and properties; waits for readiness again
 * ingest.stop();                          // SIGTERM, SIGKILL after the grace period
 * </pre>
 *
 * The HTTP port is passed as {@code -Dquarkus.http.port} (jar mode) and as {@code QUARKUS_HTTP_PORT} in the
 * environment. stdout and stderr go to one log file under {@code target/service-logs/}. Processes still
 * running when the test JVM exits are killed.
 */
public final class ServiceProcess implements AutoCloseable {

    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(120);
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(20);

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    private static final Set<Integer> HANDED_OUT_PORTS = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger LOG_SEQ = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : RUNNING) {
                p.destroyForcibly();
            }
        }, "freshrag-service-process-reaper"));
    }

    private final Builder spec;
    private final Process process;
    private final Path logFile;

    private ServiceProcess(Builder spec, Process process, Path logFile) {
        this.spec = spec;
        this.process = process;
        this.logFile = logFile;
    }

    // ---------------------------------------------------------------- creation

    /**
     * A service module of this repository: runs {@code java <jvmArgs> <-Dprops> -jar
     * <repoRoot>/<module>/target/quarkus-app/quarkus-run.jar}.
     */
    public static Builder forModule(String module) {
        Path jar = repoRoot().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        return new Builder(module, jar, null);
    }

    /** Any Quarkus fast-jar. */
    public static Builder forJar(String name, Path jar) {
        return new Builder(name, jar, null);
    }

    /**
     * An arbitrary command (e.g. {@code java -cp ... Main}) that serves the readiness path on the port
     * given to it in {@code QUARKUS_HTTP_PORT}. System properties and JVM args are not applied.
     */
    public static Builder forCommand(String name, List<String> command) {
        return new Builder(name, null, List.copyOf(command));
    }

    /** How to run one process; reusable: every {@link #start()} launches a new process. */
    public static final class Builder {
        private final String name;
        private final Path jar;
        private final List<String> command;
        private int port;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private Path logDir = Path.of("target", "service-logs").toAbsolutePath();
        private Path workingDirectory;
        private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
        private String readyPath = "/q/health/ready";

        private Builder(String name, Path jar, List<String> command) {
            this.name = name;
            this.jar = jar;
            this.command = command;
        }

        /** HTTP port; a free one is picked when not set. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder env(Map<String, String> vars) {
            env.putAll(vars);
            return this;
        }

        public Builder systemProperty(String name, String value) {
            systemProperties.put(name, value);
            return this;
        }

        public Builder systemProperties(Map<String, String> props) {
            systemProperties.putAll(props);
            return this;
        }

        /** e.g. {@code "-Xmx512m"}. */
        public Builder jvmArgs(String... args) {
            jvmArgs.addAll(List.of(args));
            return this;
        }

        /** Directory of the log files, default {@code target/service-logs} of the current directory. */
        public Builder logDirectory(Path dir) {
            this.logDir = dir.toAbsolutePath();
            return this;
        }

        public Builder workingDirectory(Path dir) {
            this.workingDirectory = dir;
            return this;
        }

        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = timeout;
            return this;
        }

        public Builder readyPath(String path) {
            this.readyPath = path;
            return this;
        }

        /** Launches the process and waits until the readiness path answers 200. */
        public ServiceProcess start() {
            ServiceProcess p = launch();
            p.awaitReady(readyTimeout);
            return p;
        }

        /** Launches the process without waiting; see {@link ServiceProcess#awaitReady(Duration)}. */
        public ServiceProcess launch() {
            if (port == 0) {
                port = freePort();
            }
            List<String> cmd = new ArrayList<>();
            if (command != null) {
                cmd.addAll(command);
            } else {
                if (!Files.isRegularFile(jar)) {
                    throw new IllegalStateException(jar + " does not exist: build the service first, e.g. "
                            + "./mvnw install -DskipTests -pl " + name + " -am (end-to-end tests must run after "
                            + "the services are packaged)");
                }
                cmd.add(javaExecutable());
                cmd.addAll(jvmArgs);
                cmd.add("-Dquarkus.http.port=" + port);
                systemProperties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
                cmd.add("-jar");
                cmd.add(jar.toString());
            }
            try {
                Files.createDirectories(logDir);
                Path log = logDir.resolve(name + "-" + port + "-" + LOG_SEQ.incrementAndGet() + ".log");
                ProcessBuilder pb = new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
                if (workingDirectory != null) {
                    pb.directory(workingDirectory.toFile());
                }
                pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
                pb.environment().putAll(env);
                Process process = pb.start();
                RUNNING.add(process);
                process.onExit().thenRun(() -> RUNNING.remove(process));
                return new ServiceProcess(this, process, log);
            } catch (IOException e) {
                throw new UncheckedIOException("could not launch " + name + ": " + cmd, e);
            }
        }
    }

    // ---------------------------------------------------------------- state

    public String name() {
        return spec.name;
    }

    public int port() {
        return spec.port;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + spec.port;
    }

    /** {@code baseUrl() + path}; path starts with '/'. */
    public URI uri(String path) {
        return URI.create(baseUrl() + path);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Process process() {
        return process;
    }

    public Path logFile() {
        return logFile;
    }

    /** The last {@code lines} lines of the log file (at most 64 KiB are read). */
    public String logTail(int lines) {
        return tail(logFile, lines);
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Waits until {@code GET <readyPath>} answers 200. If the process exits first or the timeout passes,
     * kills it and throws with the exit code and the log tail.
     */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request = HttpRequest.newBuilder(uri(spec.readyPath)).timeout(Duration.ofSeconds(3)).GET().build();
        int lastStatus = -1;
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name() + " exited with code " + process.exitValue()
                        + " before it was ready; " + logFile + " ends with:\n" + logTail(60));
            }
            try {
                HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                lastStatus = r.statusCode();
                if (lastStatus == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                throw new IllegalStateException("interrupted while waiting for " + name(), e);
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException(name() + " was not ready within " + timeout + " (last status of "
                        + spec.readyPath + ": " + (lastStatus < 0 ? "no answer" : lastStatus) + "); killed it; "
                        + logFile + " ends with:\n" + logTail(60));
            }
            sleep(250);
        }
    }

    /** SIGTERM, then SIGKILL if it still runs after 20 s; returns the exit code. */
    public int stop() {
        return stop(DEFAULT_STOP_GRACE);
    }

    /** SIGTERM, then SIGKILL if it still runs after {@code grace}; returns the exit code. */
    public int stop(Duration grace) {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        return exitCodeOrMinusOne();
    }

    /** SIGKILL (a crash: no shutdown hooks run); waits until the process is gone; returns the exit code. */
    public int kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return exitCodeOrMinusOne();
    }

    /**
     * Stops this process if it still runs and starts a new one with the same port, environment and
     * properties (a new log file); waits for readiness.
     */
    public ServiceProcess restart() {
        stop();
        return spec.start();
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private int exitCodeOrMinusOne() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A TCP port on 127.0.0.1 that was free a moment ago and that this JVM has not handed out before.
     */
    public static int freePort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int port = s.getLocalPort();
                if (HANDED_OUT_PORTS.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not find a free port", e);
            }
        }
        throw new IllegalStateException("could not find a free port not handed out before");
    }

    /**
     * The repository root: system property {@code freshrag.repo.root}, else the nearest directory at or
     * above the current one that holds {@code pom.xml} and {@code .mvn/}, Maven's marker of a multi-module
     * root (not a module folder name, so that moving modules between folders does not change the answer).
     */
    public static Path repoRoot() {
        String explicit = System.getProperty("freshrag.repo.root");
        if (explicit != null) {
            return Path.of(explicit).toAbsolutePath();
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path d = start; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("pom.xml")) && Files.isDirectory(d.resolve(".mvn"))) {
                return d;
            }
        }
        throw new IllegalStateException("no FreshRAG repository at or above " + start
                + "; set -Dfreshrag.repo.root");
    }

    static String javaExecutable() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(java) ? java.toString() : "java";
    }

    static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no log file)";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, 64 * 1024);
            byte[] buf = new byte[n];
            f.seek(len - n);
            f.readFully(buf);
            List<String> all = List.of(new String(buf, StandardCharsets.UTF_8).split("\r?\n"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return name() + "[pid " + pid() + ", port " + port() + (isAlive() ? "" : ", exited") + "]";
    }
}
