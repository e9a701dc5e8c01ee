package dev.freshrag.cli;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sync DIR --tenant T [--watch] [--include GLOB] [--exclude GLOB]}: makes the tenant's documents match a folder.
 * docId = the file's path relative to DIR; only new and changed files are sent (SHA-256 in {@link SyncState}); files
 * that are gone are deleted. With {@code --watch} it then follows the folder and sends each change as a live edit.
 */
@Command(name = "sync", description = "Send a folder's new and changed files, delete the removed ones; --watch follows it.")
final class SyncCommand implements Callable<Integer> {

    /** How long a burst of file events is collected before a pass: an editor's save is several events. */
    static final long SETTLE_MILLIS = 150;

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "DIR", description = "the folder")
    Path dir;
    @Option(names = "--tenant", required = true, paramLabel = "T", description = "the tenant the documents belong to")
    String tenant;
    @Option(names = "--watch", description = "after the sync, follow the folder and send each change as a live edit (Ctrl-C stops)")
    boolean watch;
    @Option(names = "--include", paramLabel = "GLOB", description = "only relative paths matching GLOB (repeatable), e.g. '**.md'")
    List<String> includes = new ArrayList<>();
    @Option(names = "--exclude", paramLabel = "GLOB", description = "not relative paths matching GLOB (repeatable), e.g. 'drafts/**'")
    List<String> excludes = new ArrayList<>();
    @Option(names = "--url", paramLabel = "URL", description = "the ingest-service (default FRESHRAG_URL, else the local one)")
    String url;
    @Option(names = "--key", paramLabel = "KEY", description = "a writer key of the tenant (default FRESHRAG_KEY)")
    String key;

    SyncCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new CliFailure("not a folder: " + dir);
        }
        Console console = context.console();
        FolderSync sync = new FolderSync(root, tenant, new FolderScan(root, includes, excludes), SyncState.load(root),
                IngestClient.of(url, key, context.settings()), console, System.console() != null);
        FolderSync.Summary s = sync.pass(false);
        console.say(describe(s, root));
        if (!watch) {
            return s.failed() == 0 ? 0 : 1;
        }
        follow(root, sync);
        return 0;
    }

    static String describe(FolderSync.Summary s, Path root) {
        String skipped = s.skipped() == 0 ? "" : "; " + s.skipped() + " file" + (s.skipped() == 1 ? "" : "s") + " of other types skipped";
        if (s.nothingSent()) {
            return "Nothing to send: " + s.unchanged() + " file" + (s.unchanged() == 1 ? "" : "s") + " unchanged since the last sync ("
                    + root.resolve(SyncState.FILE_NAME) + ")" + skipped + ".";
        }
        return String.format(Locale.ROOT, "Synced: %d new, %d changed, %d deleted, %d unchanged, %d failed; %s in %.1f s%s.",
                s.added(), s.changed(), s.deleted(), s.unchanged(), s.failed(), SyncProgress.size(s.bytes()),
                s.took().toMillis() / 1000.0, skipped);
    }

    /** Live passes on every settled burst of file events, until interrupted. */
    private void follow(Path root, FolderSync sync) throws IOException, InterruptedException {
        try (WatchService watcher = root.getFileSystem().newWatchService()) {
            registerTree(root, watcher);
            // what changed between the first pass and the registration, then the announcement: from here on nothing is missed
            sync.pass(true);
            context.console().say("Watching " + root + " (Ctrl-C stops).");
            while (!Thread.currentThread().isInterrupted()) {
                WatchKey key = watcher.take();
                boolean relevant = drain(key, watcher, root);
                // collect the rest of the burst
                for (WatchKey more; (more = watcher.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null; ) {
                    relevant |= drain(more, watcher, root);
                }
                if (relevant) {
                    try {
                        FolderSync.Summary s = sync.pass(true);
                        if (s.failed() > 0) {
                            context.console().warn(s.failed() + " change" + (s.failed() == 1 ? "" : "s") + " not sent; retried on the next change");
                        }
                    } catch (CliFailure e) {
                        // the service unreachable for a moment must not end the watch: what was not recorded is sent later
                        context.console().warn(e.getMessage() + "; retried on the next change");
                    }
                }
            }
        }
    }

    /** True unless every event is about a hidden file (the state file itself, editors' swap files). */
    private static boolean drain(WatchKey key, WatchService watcher, Path root) throws IOException {
        boolean relevant = false;
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> e : key.pollEvents()) {
            if (!(e.context() instanceof Path name)) {
                relevant = true; // overflow: rescan everything
                continue;
            }
            if (name.toString().startsWith(".")) {
                continue;
            }
            relevant = true;
            Path child = dir.resolve(name);
            if (e.kind() == ENTRY_CREATE && Files.isDirectory(child)) {
                registerTree(child, watcher);
            }
        }
        key.reset();
        return relevant;
    }

    private static void registerTree(Path start, WatchService watcher) throws IOException {
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!d.equals(start) && d.getFileName().toString().startsWith(".")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                d.register(watcher, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
