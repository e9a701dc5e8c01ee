package dev.freshrag.index;

/** The index holds vectors of another model or dimension. */
public class IndexMismatchException extends IllegalStateException {
    public IndexMismatchException(String message) {
        super(message);
    }
}
