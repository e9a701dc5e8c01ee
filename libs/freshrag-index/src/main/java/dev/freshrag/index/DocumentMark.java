package dev.freshrag.index;

/**
 * What the index remembers of a document beside its chunks, written atomically with them: the newest change applied
 * to it (its version and where it came from in the source log) and whether that change deleted it (a tombstone).
 * It is what keeps per-document order when two lanes overtake each other: a change older than the mark is skipped.
 *
 * @param version         the version the document is labelled with after that change
 * @param deleted         the change deleted the document
 * @param sourcePartition partition of the change in the source log ({@code kb.doc-changes})
 * @param sourceOffset    its offset there
 */
public record DocumentMark(long version, boolean deleted, int sourcePartition, long sourceOffset) {

    /**
     * Whether a change at this source position and version is older than the one this mark records, so applying it
     * would move the document backwards. Within one partition the source log's order decides (it is the order the
     * ingest-service judged and diffed the changes in, versionless ones included); across partitions (the partition
     * count of the source changed) only a strictly lower version is older.
     */
    public boolean supersedes(int partition, long offset, long changeVersion) {
        if (partition == sourcePartition) {
            return offset < sourceOffset;
        }
        return changeVersion < version;
    }
}
