package io.fulmen.runtime.loop;

import io.fulmen.LightningDataModule;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.data.DataLoader;
import io.fulmen.data.DataSource;
import io.fulmen.internal.HookOverrides;
import org.apiguardian.api.API;

import java.util.function.Supplier;

/**
 * Where each loop's loader comes from, in Lightning's precedence: loaders passed to the call, then the DataModule's
 * hooks, then the module's. Each hook is called once, when its loop first needs it.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class DataSources {
    private final Lazy train;
    private final Lazy val;
    private final Lazy test;
    private final Lazy predict;
    private final boolean valHookOverridden;

    public DataSources(LightningModule module, LightningDataModule dataModule, DataLoader trainLoader,
                       DataLoader valLoader, DataLoader testLoader, DataLoader predictLoader) {
        this.train = new Lazy(trainLoader, dataModule == null ? null : dataModule::trainDataloader,
                module::trainDataloader);
        this.val = new Lazy(valLoader, dataModule == null ? null : dataModule::valDataloader, module::valDataloader);
        this.valHookOverridden = HookOverrides.isOverridden(dataModule, LightningDataModule.class, "valDataloader")
                || HookOverrides.isOverridden(module, LightningModule.class, "valDataloader");
        this.test = new Lazy(testLoader, dataModule == null ? null : dataModule::testDataloader,
                module::testDataloader);
        this.predict = new Lazy(predictLoader, dataModule == null ? null : dataModule::predictDataloader,
                module::predictDataloader);
    }

    /**
     * The loaders of a {@code stage} call given {@code data}: a DataModule's hooks, one loader for the stage, or
     * fit's train and validation loaders; null leaves the module's own hooks.
     */
    public static DataSources of(LightningModule module, DataSource data, Stage stage) {
        if (data == null) {
            return new DataSources(module, null, null, null, null, null);
        }
        if (data instanceof LightningDataModule dm) {
            return new DataSources(module, dm, null, null, null, null);
        }
        if (data instanceof DataSource.Loaders l) {
            if (stage != Stage.FIT) {
                throw new IllegalArgumentException("DataSource.loaders(train, val) is for fit; pass one loader to "
                        + stage.lightningName());
            }
            return new DataSources(module, null, l.train(), l.val(), null, null);
        }
        if (data instanceof DataLoader loader) {
            return switch (stage) {
                case FIT -> new DataSources(module, null, loader, null, null, null);
                case VALIDATE -> new DataSources(module, null, null, loader, null, null);
                case TEST -> new DataSources(module, null, null, null, loader, null);
                case PREDICT -> new DataSources(module, null, null, null, null, loader);
            };
        }
        throw new IllegalArgumentException("unsupported data source " + data.getClass().getName() + ": pass a "
                + "LightningDataModule, a DataLoader or DataSource.loaders(train, val)");
    }

    /** Whether a validation loader is defined, without calling the hook (Lightning's {@code is_defined}). */
    boolean valDefined() {
        return val.isDefined();
    }

    DataLoader train() {
        return train.get();
    }

    DataLoader val() {
        return val.get();
    }

    DataLoader test() {
        return test.get();
    }

    DataLoader predict() {
        return predict.get();
    }

    private final class Lazy {
        private final DataLoader explicit;
        private final Supplier<DataLoader> fromDataModule;
        private final Supplier<DataLoader> fromModule;
        private DataLoader resolved;
        private boolean done;

        Lazy(DataLoader explicit, Supplier<DataLoader> fromDataModule, Supplier<DataLoader> fromModule) {
            this.explicit = explicit;
            this.fromDataModule = fromDataModule;
            this.fromModule = fromModule;
        }

        boolean isDefined() {
            return done ? resolved != null : explicit != null || DataSources.this.valHookOverridden;
        }

        DataLoader get() {
            if (!done) {
                done = true;
                resolved = explicit;
                if (resolved == null && fromDataModule != null) {
                    resolved = fromDataModule.get();
                }
                if (resolved == null) {
                    resolved = fromModule.get();
                }
            }
            return resolved;
        }
    }
}
