package dev.freshrag.index.lucene;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.GenerationConflictException;
import dev.freshrag.index.generation.GenerationState;
import dev.freshrag.index.generation.Generations;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generations of the embedded index under {@code freshrag.index.lucene.path}: one Lucene index per generation and
 * a pointer file, {@value #POINTER}, that holds the {@link Generations} plan (which one is active, building, previous).
 *
 * <p><b>Layout.</b> Generation 1 lives at the root of the path, where every index from before generations lived, so an
 * existing index is adopted as generation 1 as it is: no file moves, no re-embedding, and a reader or writer of the
 * root keeps working across the upgrade. Generations 2, 3, ... live in {@code g<N>/} below the root. Lucene ignores
 * the subdirectories and the pointer in the root: its file deleter only touches files named like index files.
 *
 * <p><b>The switch.</b> {@link #change} writes the next plan to a temporary file, forces it to disk, renames it over
 * the pointer with {@code ATOMIC_MOVE} and forces the directory, so a reader sees the old plan or the new one, never a
 * mix, and a crash at any point leaves one of the two. Changes are serialised across processes by an OS file lock on
 * {@value #LOCK} and compare the plan they started from, so a change based on a stale plan is refused.
 *
 * <p>The pointer is a properties file (the adapter has no JSON library, and operators can read it):
 * {@code format}, {@code last} (the highest generation number ever used) and, per generation,
 * {@code g<N>.model}, {@code .dimension}, {@code .chunk-max-tokens}, {@code .state}, {@code .created}.
 */
public final class LuceneGenerations {

    private static final Logger LOG = LoggerFactory.getLogger(LuceneGenerations.class);

    /** The pointer file in the root. */
    public static final String POINTER = "generations.properties";
    /** The lock file that serialises changes of the pointer between processes. */
    static final String LOCK = "generations.lock";
    static final String FORMAT = "1";

    private final Path root;
    /** Serialises changes inside this process: a JVM may not take the same file lock twice. */
    private final Object changeLock = new Object();

    private LuceneGenerations(Path root) {
        this.root = root.toAbsolutePath();
    }

    /** The generations under {@code root}; nothing is read or written until asked. */
    public static LuceneGenerations at(Path root) {
        return new LuceneGenerations(Objects.requireNonNull(root, "root"));
    }

    public Path root() {
        return root;
    }

    /** Where generation {@code number}'s Lucene index lives: the root for generation 1, {@code g<N>/} otherwise. */
    public Path directory(int number) {
        if (number < 1) {
            throw new IllegalArgumentException("a generation number starts at 1, was " + number);
        }
        return number == 1 ? root : root.resolve(Generation.id(number));
    }

    public Path directory(Generation generation) {
        return directory(generation.number());
    }

    /** The plan as the pointer says, or empty where there is no pointer yet (an index from before generations). */
    public Optional<Generations> read() {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(root.resolve(POINTER), StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IndexUnavailableException("cannot read " + root.resolve(POINTER) + ": " + e, e);
        }
        try {
            return Optional.of(parse(p));
        } catch (RuntimeException e) {
            throw new IndexUnavailableException("the generation pointer " + root.resolve(POINTER)
                    + " is not readable (" + e.getMessage() + "); restore it or remove it to adopt the root index as g1", e);
        }
    }

    /**
     * The plan, writing the first one where there is no pointer yet: an index already at the root (written before
     * generations existed) is adopted as generation 1 with the fingerprint its commit records, whatever
     * {@code fingerprint} says, so a mismatch is still refused when it is opened; an empty root gets generation 1 of
     * {@code fingerprint}. {@code chunkMaxTokens} is the chunking the service runs with: an adopted index was chunked
     * with it, as it was never re-chunked.
     */
    public Generations openOrAdopt(IndexFingerprint fingerprint, int chunkMaxTokens, Instant now) {
        Optional<Generations> existing = read();
        if (existing.isPresent()) {
            return existing.get();
        }
        synchronized (changeLock) {
            try (ChangeLock ignored = lockChanges()) {
                Optional<Generations> raced = read();
                if (raced.isPresent()) {
                    return raced.get();
                }
                IndexFingerprint stored = rootFingerprint().orElse(fingerprint);
                Generations first = Generations.first(stored.modelId(), stored.dimension(), chunkMaxTokens, now);
                write(first);
                LOG.info("Lucene index generations at {}: {} as generation g1 ({})", root,
                        stored == fingerprint ? "a new index" : "the existing index adopted", stored);
                return first;
            } catch (IOException e) {
                throw new IndexUnavailableException("cannot write " + root.resolve(POINTER) + ": " + e, e);
            }
        }
    }

    /**
     * Makes {@code next} the plan in one atomic step, if the plan is still {@code expected}, and creates the directory
     * of a generation {@code next} starts. It drops no files: a generation that left the plan may still be open (its
     * writer in this process, a reader in another), so the caller closes its writer and then calls {@link #dropFiles}.
     *
     * @throws GenerationConflictException the plan is no longer {@code expected} (another change came first)
     */
    public Generations change(Generations expected, Generations next) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(next, "next");
        synchronized (changeLock) {
            try (ChangeLock ignored = lockChanges()) {
                Optional<Generations> current = read();
                if (!current.equals(Optional.of(expected))) {
                    throw new GenerationConflictException("the generation plan changed meanwhile: it is now "
                            + current.map(LuceneGenerations::describe).orElse("missing") + ", not "
                            + describe(expected));
                }
                for (Generation g : next.generations()) {
                    Files.createDirectories(directory(g));
                }
                write(next);
                LOG.info("Lucene index generations at {}: {} -> {}", root, describe(expected), describe(next));
                return next;
            } catch (IOException e) {
                throw new IndexUnavailableException("cannot change " + root.resolve(POINTER) + ": " + e, e);
            }
        }
    }

    /**
     * Deletes the index files of a generation that is no longer in the plan (aborted, or dropped as previous). Its
     * writer must be closed; a reader in another process that still has it open keeps reading the files it holds
     * until it follows the pointer. Generation 1's files are those in the root, never the pointer or the
     * subdirectories of later generations.
     *
     * @throws GenerationConflictException the generation is still in the plan
     */
    public void dropFiles(Generation generation) {
        Optional<Generations> plan = read();
        if (plan.flatMap(p -> p.byNumber(generation.number())).isPresent()) {
            throw new GenerationConflictException("generation " + generation.id()
                    + " is still in the plan; abort or drop it first");
        }
        Path dir = directory(generation);
        try {
            if (generation.number() == 1) {
                List<Path> files = new ArrayList<>();
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
                    for (Path entry : entries) {
                        String name = entry.getFileName().toString();
                        if (Files.isRegularFile(entry) && !name.equals(POINTER) && !name.equals(LOCK)
                                && !name.startsWith(POINTER + ".")) {
                            files.add(entry);
                        }
                    }
                }
                for (Path file : files) {
                    Files.deleteIfExists(file);
                }
            } else if (Files.exists(dir)) {
                Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Files.delete(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                        if (e != null) {
                            throw e;
                        }
                        Files.delete(d);
                        return FileVisitResult.CONTINUE;
                    }
                });
            }
            LOG.info("dropped the files of index generation {} at {}", generation.id(), dir);
        } catch (IOException e) {
            throw new IndexUnavailableException("cannot delete generation " + generation.id() + " at " + dir + ": " + e, e);
        }
    }

    /**
     * The fingerprint of the index at the root (generation 1, or an index from before generations) as its latest
     * commit records it, or empty if the root holds no index: what a service started without a configured model
     * adopts when there is no pointer yet.
     */
    public Optional<IndexFingerprint> rootIndexFingerprint() {
        try {
            return rootFingerprint();
        } catch (IOException e) {
            throw new IndexUnavailableException("cannot read the index at " + root + ": " + e, e);
        }
    }

    /** The fingerprint the root index's latest commit records, or empty if the root holds no index. */
    private Optional<IndexFingerprint> rootFingerprint() throws IOException {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Directory dir = FSDirectory.open(root)) {
            if (!DirectoryReader.indexExists(dir)) {
                return Optional.empty();
            }
            return Optional.of(CommitMetadata.parse(SegmentInfos.readLatestCommit(dir).getUserData(), root).fingerprint());
        }
    }

    /** An OS lock on {@value #LOCK} with its channel, released together. */
    private record ChangeLock(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }

    private ChangeLock lockChanges() throws IOException {
        Files.createDirectories(root);
        FileChannel channel = FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return new ChangeLock(channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Temp file, fsync, atomic rename over the pointer, fsync of the directory (so the rename itself is durable). */
    private void write(Generations plan) throws IOException {
        Path pointer = root.resolve(POINTER);
        Path tmp = root.resolve(POINTER + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(render(plan).getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            try {
                Files.move(tmp, pointer, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + root + " cannot replace a file atomically", e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel dir = FileChannel.open(root, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory for sync; the rename is still atomic there
            LOG.debug("could not sync directory {}: {}", root, e.toString());
        }
    }

    static String render(Generations plan) {
        StringBuilder s = new StringBuilder()
                .append("# FreshRAG index generations: which one queries search. Replaced atomically by the services;\n")
                .append("# change it with ./freshrag reindex, not by hand.\n")
                .append("format=").append(FORMAT).append('\n')
                .append("last=").append(plan.lastNumber()).append('\n');
        for (Generation g : plan.generations()) {
            String k = g.id() + ".";
            s.append(k).append("model=").append(escape(g.modelId())).append('\n')
                    .append(k).append("dimension=").append(g.dimension()).append('\n')
                    .append(k).append("chunk-max-tokens=").append(g.chunkMaxTokens()).append('\n')
                    .append(k).append("state=").append(g.state().name().toLowerCase(java.util.Locale.ROOT)).append('\n')
                    .append(k).append("created=").append(g.createdAt()).append('\n');
        }
        return s.toString();
    }

    static Generations parse(Properties p) {
        if (!FORMAT.equals(p.getProperty("format"))) {
            throw new IllegalArgumentException("unknown format " + p.getProperty("format"));
        }
        List<Generation> generations = new ArrayList<>();
        for (String key : p.stringPropertyNames()) {
            if (key.matches("g[0-9]+\\.state")) {
                String id = key.substring(0, key.indexOf('.'));
                generations.add(new Generation(Integer.parseInt(id.substring(1)), required(p, id + ".model"),
                        Integer.parseInt(required(p, id + ".dimension")),
                        Integer.parseInt(required(p, id + ".chunk-max-tokens")),
                        GenerationState.valueOf(required(p, id + ".state").toUpperCase(java.util.Locale.ROOT)),
                        Instant.parse(required(p, id + ".created"))));
            }
        }
        return new Generations(generations, Integer.parseInt(required(p, "last")));
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("'" + key + "' is missing");
        }
        return value;
    }

    /** Properties escaping of a value: a model id is plain text, but a backslash or a line break must survive. */
    private static String escape(String value) {
        Properties one = new Properties();
        one.setProperty("v", value);
        try {
            java.io.StringWriter w = new java.io.StringWriter();
            one.store(w, null);
            return w.toString().lines().filter(l -> l.startsWith("v=")).findFirst().orElseThrow().substring(2);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String describe(Generations plan) {
        StringBuilder s = new StringBuilder("[");
        for (Generation g : plan.generations()) {
            if (s.length() > 1) {
                s.append(", ");
            }
            s.append(g.id()).append(' ').append(g.state().name().toLowerCase(java.util.Locale.ROOT)).append(' ')
                    .append(g.modelId());
        }
        return s.append(']').toString();
    }
}
