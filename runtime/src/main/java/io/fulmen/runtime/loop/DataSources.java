package io.fulmen.runtime.loop;

import io.fulmen.LightningDataModule;
import io.fulmen.LightningModule;
import io.fulmen.Stage;
import io.fulmen.data.CombinedLoader;
import io.fulmen.data.DataLoader;
import io.fulmen.data.DataSource;
import io.fulmen.internal.HookOverrides;
import org.apiguardian.api.API;

import java.util.List;
import java.util.function.Supplier;

/**
 * Where each loop's loaders come from, in Lightning's precedence: loaders passed to the call, then the DataModule's
 * hooks, then the module's. Each hook is called once, when its loop first needs it, and again after
 * {@link #reloadTrain()} / {@link #reloadVal()} ({@code reload_dataloaders_every_n_epochs}). Evaluation stages may
 * have several loaders; training has one {@link TrainingData} (a loader or a {@link CombinedLoader}).
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class DataSources {
    private final Lazy<TrainingData> train;
    private final Lazy<List<DataLoader>> val;
    private final Lazy<List<DataLoader>> test;
    private final Lazy<List<DataLoader>> predict;
    private final boolean valHookOverridden;

    private DataSources(LightningModule module, LightningDataModule dm, TrainingData trainData,
                        List<DataLoader> valLoaders, List<DataLoader> testLoaders, List<DataLoader> predictLoaders) {
        this.train = new Lazy<>(trainData, dm == null ? null : () -> TrainingData.of(dm.trainCombinedLoader(),
                dm.trainDataloader()), () -> TrainingData.of(module.trainCombinedLoader(), module.trainDataloader()));
        this.val = new Lazy<>(valLoaders, dm == null ? null : dm::valDataloaders, module::valDataloaders);
        this.valHookOverridden = overridesVal(dm, LightningDataModule.class) || overridesVal(module,
                LightningModule.class);
        this.test = new Lazy<>(testLoaders, dm == null ? null : dm::testDataloaders, module::testDataloaders);
        this.predict = new Lazy<>(predictLoaders, dm == null ? null : dm::predictDataloaders,
                module::predictDataloaders);
    }

    private static boolean overridesVal(Object target, Class<?> base) {
        return HookOverrides.isOverridden(target, base, "valDataloader")
                || HookOverrides.isOverridden(target, base, "valDataloaders");
    }

    /**
     * The loaders of a {@code stage} call given {@code data}: a DataModule's hooks, one loader for the stage,
     * several loaders, a combined loader, or fit's train and validation loaders; null leaves the module's hooks.
     */
    public static DataSources of(LightningModule module, DataSource data, Stage stage) {
        if (data == null) {
            return new DataSources(module, null, null, null, null, null);
        }
        if (data instanceof LightningDataModule dm) {
            return new DataSources(module, dm, null, null, null, null);
        }
        if (data instanceof DataSource.Loaders l) {
            requireFit(stage, "DataSource.loaders(train, val)");
            return new DataSources(module, null, l.train() == null ? null : TrainingData.of(null, l.train()),
                    single(l.val()), null, null);
        }
        if (data instanceof DataSource.TrainAndVal l) {
            requireFit(stage, "DataSource.trainAndVal(train, val)");
            TrainingData t = l.train() == null ? null : l.train() instanceof CombinedLoader c
                    ? TrainingData.of(c, null) : TrainingData.of(null, (DataLoader) l.train());
            return new DataSources(module, null, t, l.val().isEmpty() ? null : l.val(), null, null);
        }
        if (data instanceof CombinedLoader combined) {
            // Evaluation runs the loaders one after the other, as Lightning's sequential mode does.
            return stage == Stage.FIT ? new DataSources(module, null, TrainingData.of(combined, null), null, null,
                    null) : forStage(module, stage, combined.loaders());
        }
        if (data instanceof DataSource.Several several) {
            if (stage == Stage.FIT) {
                throw new IllegalArgumentException("fit trains on one loader: combine several with "
                        + "CombinedLoader.of(loaders), or validate on several with DataSource.trainAndVal(train, "
                        + "valLoaders)");
            }
            return forStage(module, stage, several.loaders());
        }
        if (data instanceof DataLoader loader) {
            return stage == Stage.FIT ? new DataSources(module, null, TrainingData.of(null, loader), null, null, null)
                    : forStage(module, stage, List.of(loader));
        }
        throw new IllegalArgumentException("unsupported data source " + data.getClass().getName() + ": pass a "
                + "LightningDataModule, a DataLoader, DataSource.several(loaders), a CombinedLoader or "
                + "DataSource.loaders(train, val)");
    }

    private static DataSources forStage(LightningModule module, Stage stage, List<DataLoader> loaders) {
        return switch (stage) {
            case VALIDATE -> new DataSources(module, null, null, loaders, null, null);
            case TEST -> new DataSources(module, null, null, null, loaders, null);
            case PREDICT -> new DataSources(module, null, null, null, null, loaders);
            case FIT -> throw new IllegalStateException("fit has its own sources");
        };
    }

    private static void requireFit(Stage stage, String what) {
        if (stage != Stage.FIT) {
            throw new IllegalArgumentException(what + " is for fit; pass one loader or DataSource.several(loaders) to "
                    + stage.lightningName());
        }
    }

    private static List<DataLoader> single(DataLoader loader) {
        return loader == null ? null : List.of(loader);
    }

    /** Whether a validation loader is defined, without calling the hook (Lightning's {@code is_defined}). */
    boolean valDefined() {
        return val.isDefined(valHookOverridden);
    }

    /** The training data, or null when no hook returns any. */
    TrainingData train() {
        return train.get();
    }

    /** The validation loaders (empty when none). */
    List<DataLoader> val() {
        return orEmpty(val.get());
    }

    List<DataLoader> test() {
        return orEmpty(test.get());
    }

    List<DataLoader> predict() {
        return orEmpty(predict.get());
    }

    /** Asks the training hook again at its next use (loaders passed to the call stay). */
    void reloadTrain() {
        train.reload();
    }

    /** Asks the validation hook again at its next use (loaders passed to the call stay). */
    void reloadVal() {
        val.reload();
    }

    private static List<DataLoader> orEmpty(List<DataLoader> loaders) {
        if (loaders == null) {
            return List.of();
        }
        for (int i = 0; i < loaders.size(); i++) {
            if (loaders.get(i) == null) {
                throw new IllegalStateException("dataloader " + i + " of " + loaders.size() + " is null: return only "
                        + "loaders from the *Dataloaders() hook");
            }
        }
        return loaders;
    }

    private static final class Lazy<T> {
        private final T explicit;
        private final Supplier<T> fromDataModule;
        private final Supplier<T> fromModule;
        private T resolved;
        private boolean done;

        Lazy(T explicit, Supplier<T> fromDataModule, Supplier<T> fromModule) {
            this.explicit = explicit;
            this.fromDataModule = fromDataModule;
            this.fromModule = fromModule;
        }

        boolean isDefined(boolean hookOverridden) {
            return done ? !isEmpty(resolved) : explicit != null || hookOverridden;
        }

        private static boolean isEmpty(Object value) {
            return value == null || value instanceof List<?> l && l.isEmpty();
        }

        T get() {
            if (!done) {
                done = true;
                resolved = explicit;
                if (isEmpty(resolved) && fromDataModule != null) {
                    resolved = fromDataModule.get();
                }
                if (isEmpty(resolved)) {
                    resolved = fromModule.get();
                }
            }
            return resolved;
        }

        void reload() {
            if (explicit == null) {
                done = false;
                resolved = null;
            }
        }
    }
}
