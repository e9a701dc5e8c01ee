package dev.freshrag.deploy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Every construct MappingModel must understand, with known answers (MappingModelTest). */
@ConfigMapping(prefix = "fixture")
interface FixtureConfig {

    /** required: no default */
    String requiredLeaf();

    @WithDefault("5")
    int withDefault();

    boolean requiredPrimitive();

    Optional<String> optionalLeaf();

    OptionalInt optionalInt();

    @WithName("renamed")
    Duration originalName();

    String httpURLPath();

    List<String> requiredList();

    @WithDefault("a,b")
    List<String> defaultedList();

    Map<String, String> labels();

    Map<String, Tenant> tenants();

    Group group();

    Optional<Group> optionalGroup();

    @WithParentName
    Flat flat();

    default String computed() {
        return requiredLeaf() + "!";
    }

    interface Group {
        String inner();

        @WithDefault("x")
        String innerDefault();
    }

    interface Tenant {
        String adapter();
    }

    interface Flat {
        String flatLeaf();
    }
}
