package io.fulmen.cli;

import io.fulmen.runtime.TrainerBuilder;

import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * One {@code trainer.*} key: Lightning's name, its type, the default printed by {@code --print_config}, a line of
 * help, and how a value other than the default reaches the {@link TrainerBuilder}.
 *
 * @param name         Lightning's snake_case name ({@code max_epochs})
 * @param type         what YAML may give
 * @param defaultValue the value when none is given (null: the Trainer decides)
 * @param description  the help line
 * @param apply        sets a checked, non-default value on a builder
 */
record TrainerArgument(String name, ArgumentType type, Object defaultValue, String description,
                       BiConsumer<TrainerBuilder, Object> apply) {
    TrainerArgument {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(apply, "apply");
    }

    /** Applies {@code value} (already {@link ArgumentType#check checked}) unless it is null or the default. */
    void applyTo(TrainerBuilder builder, Object value) {
        if (value != null && !value.equals(defaultValue)) {
            apply.accept(builder, value);
        }
    }

    /** The help line with the type and default. */
    String help() {
        return description + " (" + type.display() + ", default: " + (defaultValue == null ? "null" : defaultValue)
                + ")";
    }
}
