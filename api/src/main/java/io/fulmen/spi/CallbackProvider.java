package io.fulmen.spi;

import io.fulmen.callback.Callback;
import org.apiguardian.api.API;

/**
 * Creates a {@link Callback} the user names: {@code Trainer.builder().callbacks("early_stopping")} with
 * {@code option("early_stopping.patience", "5")}, or {@code ./quickstart --callback early_stopping}. Found on the
 * classpath and in plugin bundles like every provider; each name asked for creates a new callback.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public interface CallbackProvider extends ComponentProvider<Callback> {}
