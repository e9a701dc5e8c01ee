package dev.freshrag.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files of a folder that {@code sync} sends: regular files of a supported extension ({@link SyncFormat}), not hidden
 * (no path segment starting with '.'), matching an {@code --include} glob (if any) and no {@code --exclude} glob, both
 * matched against the relative path ({@code **}{@code /*.md}, {@code drafts/**}). docId = the relative path with '/'.
 */
final class FolderScan {

    record File(String docId, Path path, SyncFormat format, long size, long modified, String sha256) {
    }

    record Result(Map<String, File> files, int skipped) {
    }

    private final Path root;
    private final List<PathMatcher> includes;
    private final List<PathMatcher> excludes;

    FolderScan(Path root, List<String> includes, List<String> excludes) {
        this.root = root;
        this.includes = includes.stream().map(FolderScan::glob).toList();
        this.excludes = excludes.stream().map(FolderScan::glob).toList();
    }

    private static PathMatcher glob(String g) {
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + g);
        } catch (IllegalArgumentException e) {
            throw new CliFailure("not a glob: " + g + " (" + e.getMessage() + ")");
        }
    }

    /** Whether a relative path is one sync sends (apart from its extension). */
    boolean selected(Path relative) {
        for (Path segment : relative) {
            if (segment.toString().startsWith(".")) {
                return false;
            }
        }
        if (!includes.isEmpty() && includes.stream().noneMatch(m -> m.matches(relative))) {
            return false;
        }
        return excludes.stream().noneMatch(m -> m.matches(relative));
    }

    /** Hashes only files whose size or modification time differ from what {@code known} recorded. */
    Result scan(Map<String, SyncState.Entry> known) {
        Map<String, File> files = new TreeMap<>();
        int[] skipped = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(root) && dir.getFileName().toString().startsWith(".") ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path path, BasicFileAttributes attrs) throws IOException {
                    Path rel = root.relativize(path);
                    if (!attrs.isRegularFile() || !selected(rel)) {
                        return FileVisitResult.CONTINUE;
                    }
                    var format = SyncFormat.of(path.getFileName().toString());
                    if (format.isEmpty()) {
                        skipped[0]++;
                        return FileVisitResult.CONTINUE;
                    }
                    String docId = rel.toString().replace(java.io.File.separatorChar, '/');
                    long size = attrs.size();
                    long modified = attrs.lastModifiedTime().toMillis();
                    SyncState.Entry before = known.get(docId);
                    String hash = before != null && before.size() == size && before.modified() == modified ? before.sha256() : sha256(path);
                    files.put(docId, new File(docId, path, format.get(), size, modified, hash));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // a file removed while walking is simply gone
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new CliFailure("cannot read " + root + ": " + e.getMessage(), e);
        }
        return new Result(files, skipped[0]);
    }

    static String sha256(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
