package io.fulmen.runtime.plugin;

import io.fulmen.spi.OptionSpec;

import java.util.List;

/**
 * The plain-text listing of {@code --list-plugins}: every provider SPI by SPI with its names, state and origin,
 * then its description, why it is unavailable, and each option as users write it (key, type, default,
 * description); then what was shadowed and what failed to load.
 */
final class PluginListing {
    private static final String NL = System.lineSeparator();
    private static final String INDENT = "    ";

    private PluginListing() {}

    static String render(List<PluginInfo> providers, List<String> conflicts, List<String> notices,
                         List<String> failures) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-12s %-22s %-11s %s%n", "SPI", "NAME", "STATE", "ORIGIN"));
        for (PluginInfo i : providers) {
            String names = i.aliases().isEmpty() ? i.name() : i.name() + " (" + String.join(", ", i.aliases()) + ")";
            sb.append(String.format("%-12s %-22s %-11s %s%n", i.spi(), names, i.state(), i.origin()));
            if (!i.description().isBlank()) {
                sb.append(INDENT).append(i.description()).append(NL);
            }
            if (!i.availability().isAvailable()) {
                sb.append(INDENT).append("unavailable: ").append(i.availability().reason()).append(NL);
            }
            for (OptionSpec o : i.options()) {
                sb.append(INDENT).append("option ").append(i.name()).append('.').append(o.key()).append(" (")
                        .append(type(o)).append(o.required() ? ", required"
                                : o.defaultValue() != null ? ", default " + shown(o.defaultValue()) : "")
                        .append(")").append(o.description().isBlank() ? "" : ": " + o.description()).append(NL);
            }
        }
        for (String c : conflicts) {
            sb.append("shadowed: ").append(c).append(NL);
        }
        for (String n : notices) {
            sb.append("notice:   ").append(n).append(NL);
        }
        for (String f : failures) {
            sb.append("failed:   ").append(f).append(NL);
        }
        return sb.toString();
    }

    private static String shown(String value) {
        return value.isEmpty() ? "\"\"" : value;
    }

    private static String type(OptionSpec o) {
        return o.choices().isEmpty() ? o.type().displayName()
                : o.type().displayName() + " " + String.join("|", o.choices());
    }
}
