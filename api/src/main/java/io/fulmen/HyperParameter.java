package io.fulmen;

import org.apiguardian.api.API;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names a constructor parameter as a hyperparameter, so a module can be rebuilt from the hyperparameters saved
 * with {@link LightningModule#saveHyperparameters} (Lightning's {@code load_from_checkpoint}).
 */
@API(status = API.Status.STABLE, since = "0.1.0")
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface HyperParameter {
    String value();
}
