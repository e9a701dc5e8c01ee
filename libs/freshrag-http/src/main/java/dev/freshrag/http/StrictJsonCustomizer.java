package dev.freshrag.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.events.StrictTypes;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/** HTTP bodies are read as strictly as events on the topics: {"content": 5} is a 400, not "5". */
@Singleton
public class StrictJsonCustomizer implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        StrictTypes.apply(mapper);
    }
}
