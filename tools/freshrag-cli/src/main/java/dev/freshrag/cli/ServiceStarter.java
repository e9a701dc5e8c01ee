package dev.freshrag.cli;

import dev.freshrag.launcher.JdkFinder;
import dev.freshrag.launcher.LaunchSpec;
import dev.freshrag.launcher.LogTail;
import dev.freshrag.launcher.ProcessLauncher;
import dev.freshrag.launcher.Readiness;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Starts a packaged service against the local broker and waits until it is ready. */
public final class ServiceStarter {

    private final Settings settings;
    private final Console console;

    public ServiceStarter(Settings settings, Console console) {
        this.settings = settings;
        this.console = console;
    }

    /** What the service gets on top of the CLI's environment (which passes through, e.g. FRESHRAG_LLM_*). */
    Map<String, String> environment(Component service) {
        String kafka = "127.0.0.1:" + settings.port(Component.KAFKA);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(settings.port(service)));
        env.put("QUARKUS_HTTP_HOST", settings.httpHost());
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(settings.managementPort(service)));
        env.put("QUARKUS_MANAGEMENT_HOST", settings.httpHost());
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka);
        env.put("QUARKUS_KAFKA_STREAMS_BOOTSTRAP_SERVERS", kafka);
        env.put("FRESHRAG_SECURITY_KEYS_FILE", settings.keysFile().toString());
        env.put("OPT_OUT_TRACKING", "true");
        switch (service) {
            case INGEST -> env.put("KAFKA_STREAMS_STATE_DIR", settings.home().resolve("streams").toString());
            case EMBED -> env.put("FRESHRAG_INDEX_LUCENE_PATH", settings.home().resolve("index").toString());
            case QUERY -> {
                env.put("FRESHRAG_INDEX_LUCENE_PATH", settings.home().resolve("index").toString());
                // the console reads the other services' API (dead letters), health and metrics
                String host = Readiness.probeHost(settings.httpHost());
                env.put("FRESHRAG_CONSOLE_INGEST_URL", Readiness.baseUrl(host, settings.port(Component.INGEST)));
                env.put("FRESHRAG_CONSOLE_INGEST_MANAGEMENT_URL", Readiness.baseUrl(host, settings.managementPort(Component.INGEST)));
                env.put("FRESHRAG_CONSOLE_EMBED_MANAGEMENT_URL", Readiness.baseUrl(host, settings.managementPort(Component.EMBED)));
            }
            case KAFKA -> throw new IllegalArgumentException("not a service: " + service);
        }
        return env;
    }

    public Process launch(Component service, RunningComponents running) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessLauncher.javaExecutable());
        cmd.addAll(JdkFinder.SERVICE_JVM_ARGS);
        cmd.addAll(settings.javaOpts());
        cmd.addAll(running.markers(service).jvmArgs());
        cmd.add("-jar");
        cmd.add(settings.jar(service).toString());
        console.say("starting " + service.id() + " on port " + settings.port(service) + "...");
        try {
            Files.createDirectories(settings.home().resolve("index"));
            Files.createDirectories(settings.home().resolve("streams"));
            Process p = ProcessLauncher.start(new LaunchSpec(service.id(), cmd, environment(service),
                    settings.logFile(service), null, true));
            running.writePid(service, p.pid());
            return p;
        } catch (IOException e) {
            throw new CliFailure("could not start " + service.id() + ": " + e.getMessage(), e);
        }
    }

    /** Polls {@code /q/health/ready} on the management port until 200; fails with the log's tail if the service exits or times out. */
    public void awaitReady(Component service, ProcessHandle process) {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        String host = Readiness.probeHost(settings.httpHost());
        int status;
        while ((status = Readiness.httpStatus(host, settings.managementPort(service), Readiness.READY_PATH)) != 200) {
            if (!process.isAlive()) {
                throw new CliFailure(service.id() + " exited during start-up; " + settings.logFile(service)
                        + " ends with:\n" + LocalBroker.indent(LogTail.of(settings.logFile(service), 40)));
            }
            if (System.nanoTime() > deadline) {
                throw new CliFailure(service.id() + " was not ready within " + settings.startTimeout().toSeconds()
                        + "s (last answer of " + Readiness.READY_PATH + ": " + (status < 0 ? "none" : status) + "); "
                        + settings.logFile(service) + " ends with:\n"
                        + LocalBroker.indent(LogTail.of(settings.logFile(service), 40)));
            }
            Sleep.millis(500);
        }
        console.say(service.id() + " is ready (pid " + process.pid() + ", port " + settings.port(service) + ")");
    }
}
