package dev.freshrag.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the code of one Quarkus service says about how it must be deployed: its configuration properties
 * ({@code @ConfigMapping} interfaces, read from the compiled classes with SmallRye Config; application.properties),
 * the environment variables it reads directly, and its health and metrics paths.
 *
 * <p>Sources are scanned in the service module and in the FreshRAG libraries it depends on (transitively,
 * from the poms), since a library may declare a mapping or read an environment variable too.
 */
final class ServiceModule {

    private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
    private static final Pattern GETENV_LITERAL = Pattern.compile("System\\.getenv\\(\\s*\"([^\"]+)\"\\s*\\)");
    private static final Pattern UPPER_LITERAL = Pattern.compile("\"([A-Z][A-Z0-9_]{2,})\"");
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

    final String name;
    final Path dir;
    /** Modules whose sources belong to this service: itself, then its FreshRAG libraries. */
    final List<Path> moduleDirs;
    /** application.properties for the prod profile: plain keys, with %prod.-prefixed keys applied over them. */
    final Map<String, String> properties;
    final List<MappedProperty> mapped;
    /** Environment variables read with a literal System.getenv("X"): the service cannot do without them. */
    final Set<String> envRead;
    /** Upper-case string literals in sources that call System.getenv: names the code may look up. */
    final Set<String> envKnown;
    final String pom;

    private ServiceModule(Modules modules, String name) {
        this.name = name;
        this.dir = modules.dir(name);
        this.pom = read(dir.resolve("pom.xml"));
        this.moduleDirs = List.copyOf(moduleClosure(modules, name));
        this.properties = loadProperties(dir.resolve("src/main/resources/application.properties"));
        Set<String> reads = new TreeSet<>();
        Set<String> known = new TreeSet<>();
        List<String> mappingClasses = new ArrayList<>();
        for (Path m : moduleDirs) {
            for (Path src : javaSources(m.resolve("src/main/java"))) {
                String text = read(src);
                if (text.contains("System.getenv")) {
                    Matcher g = GETENV_LITERAL.matcher(text);
                    while (g.find()) {
                        reads.add(g.group(1));
                    }
                    Matcher u = UPPER_LITERAL.matcher(text);
                    while (u.find()) {
                        known.add(u.group(1));
                    }
                }
                if (text.contains("@ConfigMapping")) {
                    Matcher pkg = PACKAGE.matcher(text);
                    String simple = src.getFileName().toString().replaceFirst("\\.java$", "");
                    mappingClasses.add(m.getFileName() + ":" + (pkg.find() ? pkg.group(1) + "." : "") + simple);
                    requireFreshClass(m, src, simple);
                }
            }
        }
        this.envRead = reads;
        this.envKnown = known;
        this.mapped = loadMappings(modules, mappingClasses);
    }

    /** Every module of the root pom that is a Quarkus application with an application.properties. */
    static List<ServiceModule> discover(Path root) {
        Modules modules = Modules.of(root);
        List<ServiceModule> out = new ArrayList<>();
        for (Map.Entry<String, Path> e : modules.asMap().entrySet()) {
            Path dir = e.getValue();
            if (read(dir.resolve("pom.xml")).contains("<artifactId>quarkus-maven-plugin</artifactId>")
                    && Files.isRegularFile(dir.resolve("src/main/resources/application.properties"))) {
                out.add(new ServiceModule(modules, e.getKey()));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ derived facts

    /** The property names of application.properties and of the mappings, literal ones only. */
    boolean declaresProperty(String property) {
        return properties.containsKey(property) || mapped.stream().anyMatch(p -> !p.isPattern() && p.name().equals(property));
    }

    /** Whether an environment variable sets a property this service has (a mapping property or an application.properties key). */
    boolean acceptsEnv(String env) {
        return mapped.stream().anyMatch(p -> p.envPattern().matcher(env).matches())
                || properties.keySet().stream().anyMatch(k -> MappedProperty.envName(k).equals(env));
    }

    /** Whether any property of this service has an environment name starting with the prefix. */
    boolean hasPropertyWithEnvPrefix(String envPrefix) {
        return mapped.stream().anyMatch(p -> MappedProperty.envName(p.name()).startsWith(envPrefix))
                || properties.keySet().stream().anyMatch(k -> MappedProperty.envName(k).startsWith(envPrefix));
    }

    /** The default of a mapping property, or null. */
    String mappedDefault(String property) {
        return mapped.stream().filter(p -> p.name().equals(property)).map(MappedProperty::defaultValue).findFirst().orElse(null);
    }

    boolean usesKafka() {
        return properties.containsKey("kafka.bootstrap.servers")
                || properties.keySet().stream().anyMatch(k -> k.startsWith("quarkus.kafka-streams.") || k.startsWith("kafka-streams."))
                || properties.entrySet().stream().anyMatch(e -> e.getKey().startsWith("mp.messaging.") && e.getKey().endsWith(".connector")
                        && e.getValue().contains("kafka"));
    }

    int httpPort() {
        return Integer.parseInt(properties.getOrDefault("quarkus.http.port", "8080"));
    }

    /** Whether health and metrics are served on Quarkus' management interface (quarkus.management.enabled). */
    boolean managementInterface() {
        return "true".equals(properties.get("quarkus.management.enabled"));
    }

    int managementPort() {
        return Integer.parseInt(properties.getOrDefault("quarkus.management.port", "9000"));
    }

    /** Quarkus' non-application endpoint root: quarkus.http.non-application-root-path (default q) under quarkus.http.root-path. */
    String nonApplicationRoot() {
        String root = properties.getOrDefault("quarkus.http.root-path", "/");
        String nonApp = properties.getOrDefault("quarkus.http.non-application-root-path", "q");
        String r = trimSlash(root);
        return nonApp.startsWith("/") ? trimSlash(nonApp) : (r.equals("/") ? "" : r) + "/" + nonApp;
    }

    /** A SmallRye Health path: quarkus.smallrye-health.root-path (default health) and the check's own path. */
    String healthPath(String property, String defaultLeaf) {
        String health = properties.getOrDefault("quarkus.smallrye-health.root-path", "health");
        String base = health.startsWith("/") ? trimSlash(health) : nonApplicationRoot() + "/" + health;
        String leaf = properties.getOrDefault("quarkus.smallrye-health." + property, defaultLeaf);
        return leaf.startsWith("/") ? trimSlash(leaf) : base + "/" + leaf;
    }

    String livenessPath() {
        return healthPath("liveness-path", "live");
    }

    String readinessPath() {
        return healthPath("readiness-path", "ready");
    }

    String startupPath() {
        return healthPath("startup-path", "started");
    }

    String metricsPath() {
        String metrics = properties.getOrDefault("quarkus.micrometer.export.prometheus.path", "metrics");
        return metrics.startsWith("/") ? trimSlash(metrics) : nonApplicationRoot() + "/" + metrics;
    }

    boolean hasDependency(String artifactId) {
        return pom.contains("<artifactId>" + artifactId + "</artifactId>");
    }

    private static String trimSlash(String p) {
        String s = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        return s.startsWith("/") ? s : "/" + s;
    }

    // ------------------------------------------------------------------------------------------ loading

    private static Set<Path> moduleClosure(Modules modules, String module) {
        Set<Path> out = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(List.of(module));
        while (!todo.isEmpty()) {
            String m = todo.remove(0);
            Path dir = modules.dir(m); // fails for a FreshRAG dependency the root pom does not build
            if (!out.add(dir)) {
                continue;
            }
            Matcher d = DEPENDENCY.matcher(read(dir.resolve("pom.xml")));
            while (d.find()) {
                String dep = d.group(1);
                if (dep.contains("<groupId>dev.freshrag</groupId>") && !dep.contains("<scope>test</scope>") && !dep.contains("<type>test-jar</type>")) {
                    Matcher a = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(dep);
                    if (a.find()) {
                        todo.add(a.group(1).trim());
                    }
                }
            }
        }
        return out;
    }

    private static Map<String, String> loadProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> plain = new TreeMap<>();
        Map<String, String> prod = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith("%prod.")) {
                prod.put(k.substring("%prod.".length()), p.getProperty(k));
            } else if (!k.startsWith("%")) {
                plain.put(k, p.getProperty(k));
            }
        }
        plain.putAll(prod);
        return plain;
    }

    /**
     * The mapping interfaces' classes come from each module's target/classes (the reactor builds the services
     * before this module). A class older than its source means a stale build: fail rather than check the past.
     */
    private static void requireFreshClass(Path module, Path source, String simpleName) {
        Path classes = module.resolve("target/classes");
        Path rel = module.resolve("src/main/java").relativize(source.getParent());
        Path cls = classes.resolve(rel).resolve(simpleName + ".class");
        try {
            if (!Files.isRegularFile(cls)) {
                throw new IllegalStateException(cls + " is missing: build the services first (./mvnw -pl :freshrag-deploy-tests -am verify)");
            }
            if (Files.getLastModifiedTime(cls).compareTo(Files.getLastModifiedTime(source)) < 0) {
                throw new IllegalStateException(cls + " is older than " + source + ": rebuild (./mvnw -pl :freshrag-deploy-tests -am verify)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<MappedProperty> loadMappings(Modules modules, List<String> moduleAndClass) {
        List<URL> urls = new ArrayList<>();
        try {
            for (Path m : modules.dirs()) {
                if (Files.isDirectory(m.resolve("target/classes"))) {
                    urls.add(m.resolve("target/classes").toUri().toURL());
                }
            }
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        List<MappedProperty> out = new ArrayList<>();
        // parent first: SmallRye Config and the event contract come from this module's test classpath
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ServiceModule.class.getClassLoader())) {
            for (String mc : moduleAndClass) {
                String className = mc.substring(mc.indexOf(':') + 1);
                Class<?> c = Class.forName(className, false, loader);
                if (c.isAnnotationPresent(io.smallrye.config.ConfigMapping.class)) {
                    out.addAll(MappingModel.properties(c));
                }
            }
        } catch (ClassNotFoundException | MalformedURLException e) {
            throw new IllegalStateException("cannot load a @ConfigMapping interface: " + e, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static List<Path> javaSources(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        mapped.forEach(p -> m.put(p.name(), p.required()));
        return name + " " + m;
    }
}
