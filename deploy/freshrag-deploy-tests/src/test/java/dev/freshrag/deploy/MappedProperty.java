package dev.freshrag.deploy;

import io.smallrye.config.common.utils.StringUtil;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One configuration property a service declares through a {@code @ConfigMapping} interface.
 *
 * @param name     full name, {@code *} standing for a map key and {@code [*]} for a list index
 * @param required no default, not optional and not inside an optional group, map or list: startup fails without it
 * @param defaultValue the {@code @WithDefault}, or null
 * @param source   the interface and method it comes from, for messages
 */
record MappedProperty(String name, boolean required, String defaultValue, String source) {

    /** The environment variable MicroProfile Config maps to this property: non-alphanumerics to '_', upper case. */
    static String envName(String propertyName) {
        return StringUtil.replaceNonAlphanumericByUnderscores(propertyName).toUpperCase(Locale.ROOT);
    }

    /** Matches the environment variable names that set this property (any map key, any list index). */
    Pattern envPattern() {
        StringBuilder re = new StringBuilder();
        String rest = name;
        while (!rest.isEmpty()) {
            int list = rest.indexOf("[*]");
            int key = rest.indexOf('*');
            if (list >= 0 && list < key || list >= 0 && key < 0) {
                re.append(Pattern.quote(envName(rest.substring(0, list)))).append("_[0-9]+_");
                rest = rest.substring(list + 3);
            } else if (key >= 0) {
                re.append(Pattern.quote(envName(rest.substring(0, key)))).append("[A-Z0-9_]+");
                rest = rest.substring(key + 1);
            } else {
                re.append(Pattern.quote(envName(rest)));
                rest = "";
            }
        }
        return Pattern.compile(re.toString());
    }

    boolean isPattern() {
        return name.contains("*");
    }
}
