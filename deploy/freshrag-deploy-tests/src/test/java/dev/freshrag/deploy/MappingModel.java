package dev.freshrag.deploy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappingInterface;
import io.smallrye.config.ConfigMappingInterface.Property;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The properties of a {@code @ConfigMapping} interface, as SmallRye Config itself sees them: names come from
 * SmallRye's model of the interface (its naming strategy, {@code @WithName}, {@code @WithParentName}); whether
 * a property is required comes from walking the same model (no default, not optional, not under an optional
 * group, a map or a list). The walk's names are checked against SmallRye's own flattened list, so a walk that
 * drifts from SmallRye fails loudly instead of accepting wrong keys.
 */
final class MappingModel {

    private MappingModel() {
    }

    static List<MappedProperty> properties(Class<?> mappingInterface) {
        ConfigMapping annotation = mappingInterface.getAnnotation(ConfigMapping.class);
        if (annotation == null) {
            throw new IllegalArgumentException(mappingInterface + " has no @ConfigMapping");
        }
        String prefix = annotation.prefix();
        ConfigMappingInterface root = ConfigMappingInterface.getConfigurationInterface(mappingInterface);
        List<MappedProperty> out = new ArrayList<>();
        walk(root, prefix, true, root.getNamingStrategy(), out);

        // SmallRye's flattened names (relative to the prefix) must be exactly the walk's names
        Set<String> smallrye = new TreeSet<>();
        ConfigMappingInterface.getProperties(root).get(mappingInterface).values()
                .forEach(m -> m.keySet().forEach(k -> smallrye.add(join(prefix, k))));
        Set<String> walked = new TreeSet<>();
        out.forEach(p -> walked.add(p.name()));
        Set<String> smallryeScalars = new TreeSet<>(smallrye);
        smallryeScalars.removeIf(n -> n.endsWith("[*]") && smallrye.contains(n.substring(0, n.length() - 3)));
        if (!smallryeScalars.equals(walked)) {
            throw new IllegalStateException("property walk of " + mappingInterface.getName() + " disagrees with SmallRye Config:\n  walk:     "
                    + walked + "\n  SmallRye: " + smallryeScalars);
        }
        return out;
    }

    private static void walk(ConfigMappingInterface iface, String path, boolean required, ConfigMapping.NamingStrategy naming,
            List<MappedProperty> out) {
        for (Property p : iface.getProperties()) {
            if (p.isDefaultMethod() || p.isToStringMethod()) {
                continue;
            }
            String segment = p.isParentPropertyName() ? "" : p.hasPropertyName() ? p.getPropertyName() : p.getPropertyName(naming);
            String name = segment.isEmpty() ? path : join(path, segment);
            add(p, name, required, naming, iface.getInterfaceType().getSimpleName() + "." + p.getMethod().getName() + "()", out);
        }
    }

    private static void add(Property p, String name, boolean required, ConfigMapping.NamingStrategy naming, String source,
            List<MappedProperty> out) {
        if (p.isOptional()) {
            add(p.asOptional().getNestedProperty(), name, false, naming, source, out);
        } else if (p.isGroup()) {
            var g = p.asGroup();
            walk(g.getGroupType(), name, required, g.hasNamingStrategy() ? g.getNamingStrategy() : naming, out);
        } else if (p.isMap()) {
            add(p.asMap().getValueProperty(), name + ".*", false, naming, source, out);
        } else if (p.isCollection()) {
            Property element = p.asCollection().getElement();
            if (element.isGroup()) {
                add(element, name + "[*]", false, naming, source, out);
            } else {
                boolean hasDefault = p.hasDefaultValue() || element.hasDefaultValue();
                out.add(new MappedProperty(name, required && !hasDefault, hasDefault ? defaultOf(p, element) : null, source));
            }
        } else if (p.isLeaf()) {
            Class<?> raw = p.asLeaf().getValueRawType();
            boolean optionalType = raw == Optional.class || raw == OptionalInt.class || raw == OptionalLong.class || raw == OptionalDouble.class;
            out.add(new MappedProperty(name, required && !optionalType && !p.hasDefaultValue(), p.hasDefaultValue() ? p.getDefaultValue() : null, source));
        } else if (p.isPrimitive()) {
            out.add(new MappedProperty(name, required && !p.hasDefaultValue(), p.hasDefaultValue() ? p.getDefaultValue() : null, source));
        } else {
            throw new IllegalStateException("unsupported kind of mapping property " + source + ": " + p.getClass().getSimpleName());
        }
    }

    private static String defaultOf(Property p, Property element) {
        return p.hasDefaultValue() ? p.getDefaultValue() : element.getDefaultValue();
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "." + b;
    }
}
