package dev.freshrag.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModulesTest {

    @Test
    void findsEveryModuleOfTheRootPomByArtifactId() {
        Modules modules = Modules.of(RepoRoot.get());
        for (String artifactId : new String[] {"freshrag-events", "freshrag-index-lucene", "ingest-service", "freshrag-deploy-tests"}) {
            assertTrue(Files.isRegularFile(modules.dir(artifactId).resolve("pom.xml")), artifactId);
        }
        assertThrows(IllegalStateException.class, () -> modules.dir("freshrag-no-such-module"));
    }

    @Test
    void aListedModuleWithoutAPomIsAnError(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("pom.xml"), "<project><artifactId>p</artifactId><modules><module>libs/gone</module></modules></project>");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Modules.of(root));
        assertTrue(e.getMessage().contains("libs/gone"), e.getMessage());
    }

    @Test
    void theArtifactIdIsTheModulesOwnNotItsParents() {
        assertEquals("child", Modules.artifactId("<project><parent><artifactId>parent</artifactId></parent><artifactId>child</artifactId></project>"));
    }
}
