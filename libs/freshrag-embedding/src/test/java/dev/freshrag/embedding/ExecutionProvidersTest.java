package dev.freshrag.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExecutionProvidersTest {

    @Test
    void everyBuildHasTheCpuProviderAndCudaOnlyWithTheGpuBuild() {
        assertTrue(ExecutionProviders.available().contains("CPU"), ExecutionProviders.available().toString());
        assertEquals(ExecutionProviders.available().contains("CUDA"), ExecutionProviders.cudaBuild());
    }
}
