package dev.freshrag.deploy;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Without kubectl the deploy tests fail with a clear message, unless told to skip. */
class KubectlIT {

    @AfterEach
    void restore() {
        System.clearProperty(Rendered.KUBECTL);
        System.clearProperty(Rendered.SKIP_WITHOUT_KUBECTL);
    }

    @Test
    void aMissingKubectlFailsAndSaysHowToFixIt() {
        System.setProperty(Rendered.KUBECTL, "/nonexistent/kubectl");
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Rendered.kustomize(RepoRoot.get().resolve("deploy/k8s/overlays/dev")));
        assertTrue(e.getMessage().contains("apt-get install kubectl") && e.getMessage().contains(Rendered.SKIP_WITHOUT_KUBECTL), e.getMessage());
    }

    @Test
    void aMissingKubectlSkipsWhenToldTo() {
        System.setProperty(Rendered.KUBECTL, "/nonexistent/kubectl");
        System.setProperty(Rendered.SKIP_WITHOUT_KUBECTL, "true");
        assertThrows(TestAbortedException.class, () -> Rendered.kustomize(RepoRoot.get().resolve("deploy/k8s/overlays/dev")));
    }

    @Test
    void aBrokenOverlayFailsWithKubectlsError() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Rendered.kustomize(RepoRoot.get().resolve("deploy/k8s")));
        assertTrue(e.getMessage().contains("kubectl kustomize"), e.getMessage());
    }
}
