package dev.freshrag.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@code java @file} holding a classpath: keeps command lines short (ONNX Runtime's native load crashes the
 * JVM when the command line is longer than about 4 KB) and readable. Markers never go in here: a process's
 * visible arguments show {@code @file}, not its content.
 */
public final class JavaArgFile {

    private JavaArgFile() {
    }

    public static Path writeClasspath(Path file, String classpath) {
        return write(file, List.of("-cp", classpath));
    }

    public static Path write(Path file, List<String> args) {
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            sb.append('"').append(a.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, sb, StandardCharsets.UTF_8);
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new CliFailure("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
