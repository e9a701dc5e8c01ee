package dev.freshrag.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table that is also valid Markdown, so a run can be pasted into BENCHMARKS.md as is. */
public final class Table {

    private final String title;
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public Table(String title, String... header) {
        this.title = title;
        this.header = List.of(header);
    }

    public Table row(Object... cells) {
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(String.valueOf(c));
        }
        while (r.size() < header.size()) {
            r.add("");
        }
        rows.add(r);
        return this;
    }

    /** Sets column {@code column} of every row whose value there equals {@code empty}. */
    public Table fill(String empty, String value) {
        int column = header.size() - 1;
        for (List<String> r : rows) {
            if (r.get(column).equals(empty)) {
                r.set(column, value);
            }
        }
        return this;
    }

    public Table note(String note) {
        notes.add(note);
        return this;
    }

    public void print(PrintStream out) {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = Math.max(3, header.get(i).length());
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        out.println();
        out.println("### " + title);
        out.println();
        out.println(line(header, width));
        StringBuilder sep = new StringBuilder("|");
        for (int w : width) {
            sep.append(' ').append("-".repeat(w)).append(" |");
        }
        out.println(sep);
        for (List<String> r : rows) {
            out.println(line(r, width));
        }
        if (!notes.isEmpty()) {
            out.println();
            for (String n : notes) {
                out.println("- " + n);
            }
        }
        out.println();
        out.flush();
    }

    private static String line(List<String> cells, int[] width) {
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < width.length; i++) {
            String c = cells.get(i);
            b.append(' ').append(c).append(" ".repeat(width[i] - c.length())).append(" |");
        }
        return b.toString();
    }

    public static String f(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return String.format(java.util.Locale.ROOT, "%." + decimals + "f", v);
    }
}
