package dev.freshrag.embed.pipeline;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ChunkOpsConsumerTest} against the packaged application (target/quarkus-app), run by failsafe. */
@QuarkusIntegrationTest
class ChunkOpsConsumerIT extends ChunkOpsConsumerTest {
}
