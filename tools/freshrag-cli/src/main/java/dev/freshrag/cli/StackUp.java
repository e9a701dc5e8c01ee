package dev.freshrag.cli;

import dev.freshrag.events.Topics;
import dev.freshrag.launcher.Readiness;
import dev.freshrag.localkafka.TopicBootstrap;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ./freshrag up} up to "everything is ready": refuses ports held by others, builds what is missing,
 * starts the broker and creates the topics, makes the first keys, starts the services (ingest and embed
 * together, then query, which reads the index embed writes). Components already running are kept. If a
 * start fails, what this run started is stopped again and what ran before is left alone.
 */
public final class StackUp {

    private final Settings settings;
    private final Console console;
    private final RunningComponents running;
    private final List<Component> started = new ArrayList<>();

    public StackUp(Settings settings, Console console) {
        this.settings = settings;
        this.console = console;
        this.running = new RunningComponents(settings);
    }

    public static List<Component> components(boolean kafkaOnly) {
        return kafkaOnly ? List.of(Component.KAFKA) : List.of(Component.values());
    }

    /** Starts what is not running; answers the keys made on this first up, if any. */
    public Optional<ApiKeys.FirstKeys> start(boolean kafkaOnly, boolean rebuild) {
        try {
            Files.createDirectories(settings.logs());
            Files.createDirectories(settings.runDir());
            Files.createDirectories(settings.kafkaDir());
        } catch (IOException e) {
            throw new CliFailure("cannot create the data directory " + settings.home() + ": " + e.getMessage(), e);
        }
        checkPorts(components(kafkaOnly));
        if (!kafkaOnly) {
            ensureBuilt(rebuild);
        }
        startKafka();
        createTopics();
        if (kafkaOnly) {
            return Optional.empty();
        }
        Optional<ApiKeys.FirstKeys> keys = ApiKeys.ensure(settings);
        ApiKeys.ensureOperatorKey(settings);
        startServices();
        return keys;
    }

    /** Refuses a port held by something that is not ours, and two components on one port. */
    void checkPorts(List<Component> active) {
        List<Integer> all = new ArrayList<>(settings.ports().values());
        all.addAll(settings.managementPorts().values());
        all.add(settings.controllerPort());
        if (new HashSet<>(all).size() != all.size()) {
            throw new CliFailure("two components would share a port: kafka " + settings.port(Component.KAFKA)
                    + ", controller " + settings.controllerPort() + ", ingest " + settings.port(Component.INGEST)
                    + ", embed " + settings.port(Component.EMBED) + ", query " + settings.port(Component.QUERY)
                    + ", management " + settings.managementPorts());
        }
        String serviceHost = Readiness.probeHost(settings.httpHost());
        for (Component c : active) {
            String host = c.isService() ? serviceHost : "127.0.0.1";
            if (running.find(c).isEmpty() && Readiness.portOpen(host, settings.port(c))) {
                throw new CliFailure("port " + settings.port(c) + " (" + c.portVariable() + ", for " + c.id()
                        + ") is already in use by another program; stop it or choose another port");
            }
            if (c.isService() && running.find(c).isEmpty() && Readiness.portOpen(host, settings.managementPort(c))) {
                throw new CliFailure("port " + settings.managementPort(c) + " (" + c.managementPortVariable() + ", for "
                        + c.id() + "'s health and metrics) is already in use by another program; stop it or choose another port");
            }
        }
        if (running.find(Component.KAFKA).isEmpty() && Readiness.portOpen("127.0.0.1", settings.controllerPort())) {
            throw new CliFailure("port " + settings.controllerPort() + " (FRESHRAG_KAFKA_CONTROLLER_PORT, for the Kafka"
                    + " controller) is already in use by another program; stop it or choose another port");
        }
    }

    private void ensureBuilt(boolean rebuild) {
        List<String> missing = Component.SERVICES.stream().filter(s -> !Files.isRegularFile(settings.jar(s)))
                .map(Component::id).toList();
        StaleBuild stale = new StaleBuild(settings.root());
        List<String> outdated = new java.util.ArrayList<>();
        for (Component s : Component.SERVICES) {
            stale.newerSource(s.id(), settings.jar(s)).ifPresent(source ->
                    outdated.add(s.id() + " (" + settings.root().relativize(source) + " is newer than its jar)"));
        }
        if (!rebuild && missing.isEmpty() && outdated.isEmpty()) {
            return;
        }
        if (!missing.isEmpty()) {
            console.say("not built yet: " + String.join(" ", missing));
        }
        if (!outdated.isEmpty()) {
            console.say("out of date: " + String.join(", ", outdated));
        }
        new MavenBuild(settings, console).packageModules(Component.SERVICES.stream().map(Component::id).toList(), List.of());
        for (Component s : Component.SERVICES) {
            if (!Files.isRegularFile(settings.jar(s))) {
                throw new CliFailure(settings.jar(s) + " is missing after the build");
            }
        }
    }

    private void startKafka() {
        Optional<ProcessHandle> kafka = running.find(Component.KAFKA);
        if (kafka.isPresent()) {
            console.say("Kafka already running (pid " + kafka.get().pid() + ")");
            return;
        }
        LocalBroker broker = new LocalBroker(settings, console);
        broker.prepare();
        Process p = broker.launch(running);
        started(Component.KAFKA);
        broker.awaitReady(p.toHandle());
    }

    private void createTopics() {
        try {
            int partitions = settings.partitions().orElse(Topics.DEFAULT_PARTITIONS);
            for (TopicBootstrap.Outcome o : TopicBootstrap.run("127.0.0.1:" + settings.port(Component.KAFKA), partitions,
                    settings.kafkaTimeout())) {
                console.say("  topic " + o.line());
            }
        } catch (Exception e) {
            throw new CliFailure("creating the topics failed: " + e.getMessage(), e);
        }
    }

    private void startServices() {
        ServiceStarter starter = new ServiceStarter(settings, console);
        List<Component> waiting = new ArrayList<>();
        List<ProcessHandle> processes = new ArrayList<>();
        // embed-service owns the index that query-service reads: start it (with ingest) first
        for (Component s : List.of(Component.INGEST, Component.EMBED, Component.QUERY)) {
            if (s == Component.QUERY) {
                for (int i = 0; i < waiting.size(); i++) {
                    starter.awaitReady(waiting.get(i), processes.get(i));
                }
                waiting.clear();
                processes.clear();
            }
            Optional<ProcessHandle> already = running.find(s);
            if (already.isPresent()) {
                console.say(s.id() + " already running (pid " + already.get().pid() + ")");
                processes.add(already.get());
            } else {
                processes.add(starter.launch(s, running).toHandle());
                started(s);
            }
            waiting.add(s);
        }
        starter.awaitReady(Component.QUERY, processes.get(0));
    }

    private synchronized void started(Component c) {
        started.add(c);
    }

    /** After a failed or interrupted start: stops what this run started, newest first. */
    public synchronized void stopStarted() {
        if (started.isEmpty()) {
            return;
        }
        console.warn("stopping what this run started: " + String.join(" ", started.stream().map(Component::id).toList()));
        StackDown down = new StackDown(settings, new Console(console.err(), console.err()));
        for (int i = started.size() - 1; i >= 0; i--) {
            Component c = started.get(i);
            down.stop(c, c.isService() ? settings.stopGrace() : settings.stopGrace().plusSeconds(10));
        }
        started.clear();
    }

    /** The components of this stack that are not running now (for the foreground watch). */
    public Set<Component> notRunning(List<Component> active) {
        Set<Component> gone = new HashSet<>();
        for (Component c : active) {
            if (running.find(c).isEmpty()) {
                gone.add(c);
            }
        }
        return gone;
    }
}
