package io.fulmen.runtime.loop;

import io.fulmen.LightningDataModule;
import io.fulmen.LightningModule;
import io.fulmen.data.DataLoader;

import java.util.function.Supplier;

/**
 * Where each loop's loader comes from, in Lightning's precedence: loaders passed to the call, then the DataModule's
 * hooks, then the module's. Each hook is called once, when its loop first needs it.
 */
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
        this.valHookOverridden = overrides(dataModule, LightningDataModule.class, "valDataloader")
                || overrides(module, LightningModule.class, "valDataloader");
        this.test = new Lazy(testLoader, dataModule == null ? null : dataModule::testDataloader,
                module::testDataloader);
        this.predict = new Lazy(predictLoader, dataModule == null ? null : dataModule::predictDataloader,
                module::predictDataloader);
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

    private static boolean overrides(Object target, Class<?> base, String method) {
        if (target == null) {
            return false;
        }
        try {
            return target.getClass().getMethod(method).getDeclaringClass() != base;
        } catch (NoSuchMethodException e) {
            return false;
        }
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
