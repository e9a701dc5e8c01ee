package dev.freshrag.index.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Collections.AliasOperations;
import io.qdrant.client.grpc.Collections.ChangeAliases;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link GenerationSwitchScenarios} on the {@link InProcessQdrantProtocolDouble}, which applies alias actions as
 * Qdrant's storage code does (in order, under one lock, not undone on a later failure); it is not Qdrant. Here also
 * what only the double can show: the wire form of the switch.
 */
class GenerationSwitchTest extends GenerationSwitchScenarios {

    private final InProcessQdrantProtocolDouble qdrant = InProcessQdrantProtocolDouble.start();

    @Override
    protected QdrantClient newClient() {
        return qdrant.newClient();
    }

    @Override
    protected QdrantOptions options() {
        return QdrantOptions.defaults().withTimeout(Duration.ofSeconds(5));
    }

    @Override
    protected void afterClients() {
        qdrant.close();
    }

    @Test
    void theSwitchIsOneUpdateAliasesRequestThatDeletesAndCreatesTheAlias() {
        throughAlias(G1.fingerprint());
        generation(G2);
        QdrantGenerations generations = generations();
        qdrant.clearRequests();

        generations.switchAlias(G1, G2);

        assertThat(qdrant.requests(ChangeAliases.class)).singleElement().satisfies(request -> {
            assertThat(request.getActionsList()).extracting(AliasOperations::getActionCase).containsExactly(
                    AliasOperations.ActionCase.DELETE_ALIAS, AliasOperations.ActionCase.CREATE_ALIAS);
            assertThat(request.getActions(0).getDeleteAlias().getAliasName()).isEqualTo(QdrantOptions.DEFAULT_ALIAS);
            assertThat(request.getActions(1).getCreateAlias().getCollectionName()).isEqualTo("freshrag-model-b-g2");
        });
        assertThat(qdrant.aliases()).containsEntry(QdrantOptions.DEFAULT_ALIAS, "freshrag-model-b-g2");
    }

    @Test
    void theDoubleLeavesEarlierActionsAppliedWhenALaterOneFailsAsQdrantDoes() throws Exception {
        throughAlias(G1.fingerprint());
        try (QdrantClient raw = qdrant.newClient()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> raw.updateAliasesAsync(java.util.List.of(
                    AliasOperations.newBuilder().setDeleteAlias(io.qdrant.client.grpc.Collections.DeleteAlias.newBuilder()
                            .setAliasName(QdrantOptions.DEFAULT_ALIAS)).build(),
                    AliasOperations.newBuilder().setCreateAlias(io.qdrant.client.grpc.Collections.CreateAlias.newBuilder()
                            .setAliasName(QdrantOptions.DEFAULT_ALIAS).setCollectionName("missing")).build()))
                    .get(5, java.util.concurrent.TimeUnit.SECONDS)).hasMessageContaining("missing");
        }
        // which is why switchAlias checks the new collection before it sends the request
        assertThat(qdrant.aliases()).doesNotContainKey(QdrantOptions.DEFAULT_ALIAS);
    }
}
