package io.fulmen.internal;

import io.fulmen.LightningModule;
import io.fulmen.ModuleContext;
import org.apiguardian.api.API;

/**
 * Makes the context a module runs in when no Trainer call uses it: inference after fit or after
 * {@code loadFromCheckpoint}, without gradients. The runtime provides it through {@code ServiceLoader}. For the
 * runtime only: nothing here is API.
 */
@API(status = API.Status.INTERNAL, since = "0.2.0")
public interface DetachedContexts {
    /** A context for {@code module} outside any Trainer call. */
    ModuleContext create(LightningModule module);
}
