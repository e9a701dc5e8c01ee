package dev.freshrag.embed.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneWriterIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriterWarmUpTest {

    private final IndexFingerprint fingerprint = new IndexFingerprint("warm-up-test", 8);

    @Test
    void luceneBuildsASegmentAheadAndTheIndexOnDiskIsUntouched(@TempDir Path dir) throws Exception {
        try (LuceneWriterIndex index = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults())) {
            Set<String> before = files(dir);

            int prepared = WriterWarmUp.run(index, fingerprint.dimension());

            assertThat(prepared).as("points built into a segment of their own").isEqualTo(index.prepareFrom());
            assertThat(files(dir)).as("no file of the index was written").isEqualTo(before);
            float[] v = new float[8];
            v[0] = 1;
            assertThat(index.search(new SearchQuery("_warmup", v, 10, Map.of()))).as("nothing was indexed").isEmpty();
            assertThat(index.document("_warmup", "warmup")).isEmpty();
        }
    }

    private static Set<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
