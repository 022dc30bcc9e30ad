package io.fulmen.mlflow;

import io.fulmen.spi.ProviderOptions;

import java.util.Map;

/** The mlflow provider's options set to some values, as the Trainer hands them to it (keys without "mlflow."). */
final class MlflowOptions {
    private MlflowOptions() {}

    static ProviderOptions of(Map<String, String> values) {
        return ProviderOptions.of(new MlflowLoggerProvider(), values);
    }
}
