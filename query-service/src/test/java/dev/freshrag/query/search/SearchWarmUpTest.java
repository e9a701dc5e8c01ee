package dev.freshrag.query.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SearchWarmUpTest {

    @Inject
    SearchWarmUp warmUp;

    @Test
    void theStartSearchedThroughTheWholeSearchPathWithoutAFailure() {
        // a warm-up that fails (a tenant id the validation refuses, a request the JSON reader cannot read) would only be
        // logged at start; this is where it shows
        assertThat(warmUp.outcome()).isEqualTo("searched");
    }
}
