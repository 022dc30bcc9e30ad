package com.example.fulmen.jsonl;

import io.fulmen.callback.Callback;
import io.fulmen.spi.CallbackProvider;
import io.fulmen.spi.OptionSpec;
import io.fulmen.spi.ProviderContext;

import java.util.List;

/**
 * Makes {@code callbacks("jsonl_epochs")} work, from the classpath or from this plugin's bundle: listed in
 * {@code META-INF/services/io.fulmen.spi.CallbackProvider}. One option, {@code jsonl_epochs.file}.
 */
public final class EpochLinesCallbackProvider implements CallbackProvider {
    @Override
    public String name() {
        return "jsonl_epochs";
    }

    @Override
    public String description() {
        return "one JSON line per training epoch (epoch, step, metrics) in <root>/jsonl/epochs.jsonl";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.ofPath("file", "jsonl/epochs.jsonl", "the file, relative to the Trainer's root"));
    }

    @Override
    public Callback create(ProviderContext context) {
        return new EpochLinesCallback(context.rootDir().resolve(context.options().getPath("file")));
    }
}
