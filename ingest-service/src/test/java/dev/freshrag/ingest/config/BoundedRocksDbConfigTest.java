package dev.freshrag.ingest.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbConfigTest {

    static {
        RocksDB.loadLibrary();
    }

    @Test
    void everyStoreSharesOneWriteBufferManagerAndCachesItsIndexAndFilters() {
        BoundedRocksDbConfig setter = new BoundedRocksDbConfig();
        Map<String, Object> configs = Map.of(BoundedRocksDbConfig.TOTAL_BYTES, "67108864");
        try (Options a = new Options().setTableFormatConfig(new BlockBasedTableConfig());
             Options b = new Options().setTableFormatConfig(new BlockBasedTableConfig())) {
            setter.setConfig("doc-versions", a, configs);
            setter.setConfig("chunk-hashes", b, configs);
            assertSame(a.writeBufferManager(), b.writeBufferManager(), "one WriteBufferManager for all stores");
            assertTrue(((BlockBasedTableConfig) a.tableFormatConfig()).cacheIndexAndFilterBlocks(), "index and filter blocks count against the cache");
            setter.close("doc-versions", a);
            setter.close("chunk-hashes", b);
        }
        BoundedRocksDbConfig.Shared shared = BoundedRocksDbConfig.shared(configs);
        assertSame(shared, BoundedRocksDbConfig.shared(configs), "created once per process");
        assertTrue(shared.totalBytes() >= 16L * 1024 * 1024);
    }

    @Test
    void defaultsAndBadValues() {
        assertEquals(BoundedRocksDbConfig.DEFAULT_TOTAL_BYTES, BoundedRocksDbConfig.parseTotal(null));
        assertEquals(0.5, BoundedRocksDbConfig.parseShare(null));
        IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class, () -> BoundedRocksDbConfig.parseTotal("1024"));
        assertTrue(tooSmall.getMessage().contains(BoundedRocksDbConfig.TOTAL_BYTES));
        assertThrows(IllegalArgumentException.class, () -> BoundedRocksDbConfig.parseShare("1.5"));
        assertThrows(NumberFormatException.class, () -> BoundedRocksDbConfig.parseTotal("lots"));
    }
}
