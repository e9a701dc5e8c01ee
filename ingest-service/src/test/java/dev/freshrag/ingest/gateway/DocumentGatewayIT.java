package dev.freshrag.ingest.gateway;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link DocumentGatewayTest} against the packaged application (target/quarkus-app), run by failsafe. */
@QuarkusIntegrationTest
class DocumentGatewayIT extends DocumentGatewayTest {
}
