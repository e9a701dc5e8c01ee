package dev.freshrag.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * environment; the management port (health and metrics: the services serve them on Quarkus' management interface, not
 * on the API's port) as {@code -Dquarkus.management.port} and {@code QUARKUS_MANAGEMENT_PORT}. A command serves
 * both on one port unless told otherwise. stdout and stderr go to one log file under {@code target/service-logs/}. Processes still
 * running when this JVM exits are killed: they belong to the test or benchmark that started them (the CLI's
 * long-lived processes are launched with {@link ProcessLauncher} directly).
 */
public final class ServiceProcess implements AutoCloseable {

    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(120);
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(20);

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger LOG_SEQ = new AtomicInteger();

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
        Path jar = RepoRoot.serviceJar(RepoRoot.find(), module);
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
        private int managementPort;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private Path logDir = Path.of("target", "service-logs").toAbsolutePath();
        private Path workingDirectory;
        private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
        private String readyPath = Readiness.READY_PATH;

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

        /** Management port (health, metrics); a free one is picked for a jar when not set, a command uses its HTTP port. */
        public Builder managementPort(int port) {
            this.managementPort = port;
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
                port = FreePorts.next();
            }
            if (managementPort == 0) {
                managementPort = command != null ? port : FreePorts.next();
            }
            List<String> cmd = new ArrayList<>();
            if (command != null) {
                cmd.addAll(command);
            } else {
                if (!Files.isRegularFile(jar)) {
                    throw new IllegalStateException(jar + " does not exist: build the service first, e.g. "
                            + "./mvnw package -DskipTests -pl :" + name + " -am (end-to-end tests must run after "
                            + "the services are packaged)");
                }
                cmd.add(ProcessLauncher.javaExecutable());
                cmd.addAll(JdkFinder.SERVICE_JVM_ARGS);
                cmd.addAll(jvmArgs);
                cmd.add("-Dquarkus.http.port=" + port);
                cmd.add("-Dquarkus.management.port=" + managementPort);
                systemProperties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
                cmd.add("-jar");
                cmd.add(jar.toString());
            }
            Path log = logDir.resolve(name + "-" + port + "-" + LOG_SEQ.incrementAndGet() + ".log");
            Map<String, String> fullEnv = new LinkedHashMap<>();
            fullEnv.put("QUARKUS_HTTP_PORT", Integer.toString(port));
            fullEnv.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
            fullEnv.putAll(env);
            try {
                Process process = ProcessLauncher.start(new LaunchSpec(name, cmd, fullEnv, log, workingDirectory, false));
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
        return Readiness.baseUrl("127.0.0.1", spec.port);
    }

    /** {@code baseUrl() + path}; path starts with '/'. */
    public URI uri(String path) {
        return URI.create(baseUrl() + path);
    }

    /** Port of health and metrics ({@code /q/health}, {@code /q/metrics}). */
    public int managementPort() {
        return spec.managementPort;
    }

    /** {@code http://127.0.0.1:<managementPort>}. */
    public String managementUrl() {
        return Readiness.baseUrl("127.0.0.1", spec.managementPort);
    }

    /** {@code managementUrl() + path}, e.g. {@code /q/health/ready}. */
    public URI managementUri(String path) {
        return URI.create(managementUrl() + path);
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
        return LogTail.of(logFile, lines);
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Waits until {@code GET <readyPath>} answers 200. If the process exits first or the timeout passes,
     * kills it and throws with the exit code and the log tail.
     */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int lastStatus;
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name() + " exited with code " + process.exitValue()
                        + " before it was ready; " + logFile + " ends with:\n" + logTail(60));
            }
            lastStatus = Readiness.httpStatus("127.0.0.1", spec.managementPort, spec.readyPath);
            if (lastStatus == 200) {
                return;
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException(name() + " was not ready within " + timeout + " (last status of "
                        + spec.readyPath + ": " + (lastStatus < 0 ? "no answer" : lastStatus) + "); killed it; "
                        + logFile + " ends with:\n" + logTail(60));
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                throw new IllegalStateException("interrupted while waiting for " + name(), e);
            }
        }
    }

    /** SIGTERM, then SIGKILL if it still runs after 20 s; returns the exit code. */
    public int stop() {
        return stop(DEFAULT_STOP_GRACE);
    }

    /** SIGTERM, then SIGKILL if it still runs after {@code grace}; returns the exit code. */
    public int stop(Duration grace) {
        ProcessStopper.stop(process.toHandle(), grace);
        return exitCodeOrMinusOne();
    }

    /** SIGKILL (a crash: no shutdown hooks run); waits until the process is gone; returns the exit code. */
    public int kill() {
        ProcessStopper.kill(process.toHandle());
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

    @Override
    public String toString() {
        return name() + "[pid " + pid() + ", port " + port() + (isAlive() ? "" : ", exited") + "]";
    }
}
