package dev.freshrag.embedding.remote;

import com.fasterxml.jackson.databind.JsonNode;

/** A JSON array of numbers as a float vector. */
final class Floats {

    private Floats() {
    }

    static float[] of(JsonNode array) {
        if (!array.isArray() || array.isEmpty()) {
            throw new IllegalStateException("the embedding server returned a vector that is not a non-empty array of"
                    + " numbers (base64 encoding is not supported)");
        }
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = array.get(i);
            if (!x.isNumber()) {
                throw new IllegalStateException("the embedding server returned a non-number in a vector: " + x);
            }
            v[i] = (float) x.doubleValue();
        }
        return v;
    }
}
