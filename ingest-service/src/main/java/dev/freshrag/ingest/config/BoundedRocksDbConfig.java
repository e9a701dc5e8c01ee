package dev.freshrag.ingest.config;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of all RocksDB stores of this process together: every store shares one LRU block cache
 * (index and filter blocks included) and charges its memtables to that same cache through one WriteBufferManager.
 * Unbounded, each of the topology's stores allocates its own cache and memtables, and the container's memory grows
 * with the number of tasks, not with a limit anyone set.
 *
 * <p>Kafka Streams instantiates this class itself (rocksdb.config.setter), so its settings come from the Streams
 * configuration: {@value #TOTAL_BYTES} (default 256 MiB) and {@value #MEMTABLE_SHARE} (default 0.5).
 */
public class BoundedRocksDbConfig implements RocksDBConfigSetter {

    /** Streams config: bytes of off-heap memory that block cache plus memtables of all stores may use together. */
    public static final String TOTAL_BYTES = "freshrag.rocksdb.total-off-heap-bytes";
    /** Streams config: the share of {@link #TOTAL_BYTES} that memtables may take (0 < share < 1). */
    public static final String MEMTABLE_SHARE = "freshrag.rocksdb.memtable-share";

    static final long DEFAULT_TOTAL_BYTES = 256L * 1024 * 1024;
    static final double DEFAULT_MEMTABLE_SHARE = 0.5;

    private static Shared shared;

    /** One cache and one write-buffer manager per process: shared by every store, never closed with one of them. */
    record Shared(long totalBytes, double memtableShare, Cache cache, WriteBufferManager writeBuffers) {
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Shared s = shared(configs);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(s.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinL0FilterAndIndexBlocksInCache(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(s.writeBuffers());
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write-buffer manager are shared by all stores and live as long as the process
    }

    static synchronized Shared shared(Map<String, ?> configs) {
        long total = parseTotal(configs.get(TOTAL_BYTES));
        double share = parseShare(configs.get(MEMTABLE_SHARE));
        if (shared == null) {
            Cache cache = new LRUCache(total, -1, false, 0.1);
            shared = new Shared(total, share, cache, new WriteBufferManager((long) (total * share), cache));
        }
        return shared;
    }

    static long parseTotal(Object value) {
        long total = value == null ? DEFAULT_TOTAL_BYTES : Long.parseLong(value.toString().trim());
        if (total < 16L * 1024 * 1024) {
            throw new IllegalArgumentException(TOTAL_BYTES + " must be at least 16 MiB (16777216), was " + total);
        }
        return total;
    }

    static double parseShare(Object value) {
        double share = value == null ? DEFAULT_MEMTABLE_SHARE : Double.parseDouble(value.toString().trim());
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException(MEMTABLE_SHARE + " must be between 0 and 1 (exclusive), was " + share);
        }
        return share;
    }
}
