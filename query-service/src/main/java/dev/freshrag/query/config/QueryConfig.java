package dev.freshrag.query.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Everything the query-service can be told, under {@code freshrag.*}. */
@ConfigMapping(prefix = "freshrag")
public interface QueryConfig {

    Index index();

    Search search();

    Consistency consistency();

    Embedding embedding();

    interface Index {
        /** {@code lucene} (embedded, default) or {@code qdrant}. */
        @WithDefault("lucene")
        String kind();

        Lucene lucene();

        interface Lucene {
            /** Directory of the embedded index, written by the embed-service; opened read-only here. */
            @WithDefault("data/index")
            String path();
        }
    }

    interface Search {
        /** topK when a request gives none. */
        @WithDefault("5")
        int defaultTopK();

        /** Largest accepted topK. */
        @WithDefault("100")
        int maxTopK();

        /** Longest accepted query, in characters. */
        @WithDefault("4096")
        int maxQueryChars();

        /** Most entries in a metadata filter. */
        @WithDefault("16")
        int maxFilterEntries();
    }

    interface Consistency {
        /** How long a request with consistentWith waits for the index to reflect those writes. */
        @WithDefault("PT5S")
        Duration defaultWait();

        /** Most tokens in one consistentWith. */
        @WithDefault("64")
        int maxTokens();
    }

    interface Embedding {
        /** Must match the embed-service's variant: {@code fp32} or {@code int8}. */
        @WithDefault("fp32")
        String variant();

        /** {@code auto}, {@code cpu} or {@code cuda}. Queries are single short texts; CPU is usually right. */
        @WithDefault("cpu")
        String target();
    }
}
