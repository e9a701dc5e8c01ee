package dev.freshrag.ingest.sources.debezium;

import dev.freshrag.events.DocumentChange;
import java.util.List;

/** What one Debezium record becomes. */
sealed interface Translation {

    /**
     * Document changes to publish, in order, and the row's new state (null: forget the row).
     *
     * @param bulk true for a snapshot read: the bulk lane
     */
    record Publish(List<DocumentChange> changes, boolean bulk, RowState next) implements Translation {
    }

    /** Nothing to do, and why (for the debug log): the row's mapped columns did not change, or it is already gone. */
    record Nothing(String why) implements Translation {
    }
}
