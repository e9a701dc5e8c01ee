package dev.freshrag.events.archfixture;

import dev.freshrag.security.Role;

/** Breaks a rule on purpose (test sources only): the event contract importing another FreshRAG module. */
public final class ContractThatKnowsSecurity {
    public Role role() {
        return Role.valueOf("WRITER");
    }
}
