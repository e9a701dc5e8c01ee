package dev.freshrag.ingest.pipeline;

import dev.freshrag.events.ContentType;
import dev.freshrag.events.GenerationControl;
import dev.freshrag.events.Limits;
import dev.freshrag.ingest.chunking.Chunk;
import dev.freshrag.ingest.chunking.Chunker;
import dev.freshrag.ingest.chunking.DocumentChunker;
import dev.freshrag.ingest.chunking.TextExtractor;
import dev.freshrag.tokenizer.TokenCounter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The generations a re-chunking reindex ({@code reindex start --chunk-max-tokens N}) builds with a chunking other than
 * the ingest's own ({@code freshrag.chunking.max-tokens}): read from the global store of kb.generations, each with its
 * chunker and its own diff state ({@value TopologyProducer#GENERATION_STATE_STORE}, keyed {@code g<N>|tenant/docId},
 * changelogged and written in the same exactly-once transaction as the document's own state), so a later edit is
 * diffed against what that generation holds and only its changed chunks are embedded there.
 *
 * <p>A generation is chunked apart while it is building, active or previous and its {@code chunkMaxTokens} differs
 * from the ingest's; aborted or dropped, its diff state is swept ({@link #sweep}).
 */
final class GenerationChunkings {

    /** An open generation with its own chunking. */
    record Rechunked(String id, int maxTokens) {
    }

    private static final Set<GenerationControl.State> OPEN = EnumSet.of(GenerationControl.State.BUILDING,
            GenerationControl.State.ACTIVE, GenerationControl.State.PREVIOUS);
    private static final Set<GenerationControl.State> CLOSED = EnumSet.of(GenerationControl.State.ABORTED,
            GenerationControl.State.DROPPED);

    private final TokenCounter tokens;
    private final int baseMaxTokens;
    private final int minTokens;
    private final Map<Integer, DocumentChunker> chunkers = new HashMap<>();

    private KeyValueStore<String, GenerationControl> plan;
    private KeyValueStore<String, DocumentState> states;

    GenerationChunkings(TokenCounter tokens, int baseMaxTokens, int minTokens) {
        this.tokens = tokens;
        this.baseMaxTokens = baseMaxTokens;
        this.minTokens = minTokens;
    }

    /** The ingest's own chunking ({@code freshrag.chunking.max-tokens}): untagged operations are chunked so. */
    int baseMaxTokens() {
        return baseMaxTokens;
    }

    void init(ProcessorContext<?, ?> context) {
        plan = context.getStateStore(TopologyProducer.GENERATIONS_STORE);
        states = context.getStateStore(TopologyProducer.GENERATION_STATE_STORE);
    }

    /** The open generations chunked apart, by id (a handful at most: read per change from the in-memory global store). */
    List<Rechunked> open() {
        List<Rechunked> open = new ArrayList<>(2);
        try (KeyValueIterator<String, GenerationControl> all = plan.all()) {
            while (all.hasNext()) {
                GenerationControl g = all.next().value;
                if (g != null && OPEN.contains(g.state()) && g.chunkMaxTokens() != null && g.chunkMaxTokens() != baseMaxTokens) {
                    open.add(new Rechunked(g.generation(), g.chunkMaxTokens()));
                }
            }
        }
        open.sort(Comparator.comparing(Rechunked::id));
        return open;
    }

    /** {@code id}, if it is open and chunked apart. */
    Optional<Rechunked> open(String id) {
        return open().stream().filter(g -> g.id().equals(id)).findFirst();
    }

    /**
     * The content's chunks with {@code g}'s chunking (the ingest's tokenizer counts them; a chunk closes at an anchor only
     * once it holds the configured minimum, or half of a smaller maximum).
     *
     * @throws dev.freshrag.events.InvalidEventException the content makes too many chunks at that size, or cannot be read
     */
    List<Chunk> chunk(Rechunked g, String content, ContentType type) {
        DocumentChunker chunker = chunkers.computeIfAbsent(g.maxTokens(), max -> new DocumentChunker(new TextExtractor(),
                new Chunker(tokens, max, Math.min(minTokens, max / 2)), Limits.MAX_CHUNKS_PER_DOCUMENT));
        return chunker.chunk(content, type);
    }

    DocumentState state(String generation, String documentKey) {
        return states.get(key(generation, documentKey));
    }

    void put(String generation, String documentKey, DocumentState state) {
        states.put(key(generation, documentKey), state);
    }

    void forget(String generation, String documentKey) {
        states.delete(key(generation, documentKey));
    }

    /**
     * Deletes up to {@code max} diff states of aborted or dropped generations; answers how many. A generation's state
     * goes only once kb.generations says it is closed: nothing is emitted for it any more, and a generation number is
     * never reused.
     */
    int sweep(int max) {
        List<String> closed = new ArrayList<>();
        try (KeyValueIterator<String, GenerationControl> all = plan.all()) {
            while (all.hasNext()) {
                KeyValue<String, GenerationControl> g = all.next();
                if (g.value != null && CLOSED.contains(g.value.state())) {
                    closed.add(g.key);
                }
            }
        }
        int deleted = 0;
        for (String id : closed) {
            List<String> keys = new ArrayList<>();
            try (KeyValueIterator<String, DocumentState> it = states.prefixScan(id + SEPARATOR, Serdes.String().serializer())) {
                while (it.hasNext() && keys.size() < max - deleted) {
                    keys.add(it.next().key);
                }
            }
            keys.forEach(states::delete);
            deleted += keys.size();
            if (deleted >= max) {
                break;
            }
        }
        return deleted;
    }

    private static final String SEPARATOR = "|";

    private static String key(String generation, String documentKey) {
        return generation + SEPARATOR + documentKey;
    }
}
