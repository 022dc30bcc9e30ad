package io.fulmen.runtime.callbacks;

import io.fulmen.callback.Callback;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;
import org.apiguardian.api.API;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code callbacks("gradient_accumulation_scheduler")}: a {@link GradientAccumulationScheduler} whose
 * {@code scheduling} is written {@code "0:1,4:2"} or as Lightning's dict {@code "{0: 1, 4: 2}"}.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class GradientAccumulationSchedulerProvider implements CallbackProvider {
    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.ofString("scheduling", null, "epoch:factor pairs, e.g. 0:1,4:2 (from epoch 4 accumulate "
                    + "2 batches per step)").asRequired());

    @Override
    public String name() {
        return "gradient_accumulation_scheduler";
    }

    @Override
    public String description() {
        return "changes gradient accumulation by epoch (Lightning's GradientAccumulationScheduler)";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Callback create(ProviderContext context) {
        return new GradientAccumulationScheduler(parse(context.options().getString("scheduling")));
    }

    /** {@code "0:1,4:2"} or {@code "{0: 1, 4: 2}"} to an epoch-to-factor map. */
    static Map<Integer, Integer> parse(String text) {
        String body = text.trim();
        if (body.startsWith("{") && body.endsWith("}")) {
            body = body.substring(1, body.length() - 1);
        }
        Map<Integer, Integer> out = new LinkedHashMap<>();
        if (body.isBlank()) {
            return out;
        }
        for (String pair : body.split(",")) {
            String[] kv = pair.split(":");
            if (kv.length != 2) {
                throw new IllegalArgumentException("gradient_accumulation_scheduler.scheduling: '" + pair.trim()
                        + "' is not epoch:factor; write e.g. 0:1,4:2");
            }
            try {
                out.put(Integer.parseInt(kv[0].trim()), Integer.parseInt(kv[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("gradient_accumulation_scheduler.scheduling: '" + pair.trim()
                        + "' must be two integers, epoch:factor; write e.g. 0:1,4:2", e);
            }
        }
        return out;
    }
}
