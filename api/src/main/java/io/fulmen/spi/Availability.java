package io.fulmen.spi;

import org.apiguardian.api.API;
import java.util.Objects;

/**
 * Whether a provider can be used in a given context, and when not, why: the reason is shown in listings
 * ({@code --list-plugins}) and in the error a Trainer raises when the provider is asked for
 * ({@code "no CUDA driver found (libcuda.so.1)"}).
 *
 * @param isAvailable whether the provider can be used
 * @param reason      why it cannot, one short sentence; empty when it can
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public record Availability(boolean isAvailable, String reason) {
    private static final Availability AVAILABLE = new Availability(true, "");

    /** Checks that an unavailable provider says why. */
    public Availability {
        Objects.requireNonNull(reason, "reason");
        if (!isAvailable && reason.isBlank()) {
            throw new IllegalArgumentException("an unavailable provider must say why (a non-blank reason)");
        }
        if (isAvailable && !reason.isEmpty()) {
            throw new IllegalArgumentException("an available provider has no reason, got '" + reason + "'");
        }
    }

    /** The provider can be used. */
    public static Availability available() {
        return AVAILABLE;
    }

    /** The provider cannot be used, because of {@code reason} (one short sentence naming what is missing). */
    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }

    /** {@code "available"} or {@code "unavailable: <reason>"}, for listings and messages. */
    @Override
    public String toString() {
        return isAvailable ? "available" : "unavailable: " + reason;
    }
}
