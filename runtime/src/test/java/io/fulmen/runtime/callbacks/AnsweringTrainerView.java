package io.fulmen.runtime.callbacks;

import io.fulmen.TrainerView;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** A Trainer view answering from a map of method name to answer, with neutral defaults for the rest. */
final class AnsweringTrainerView {
    private AnsweringTrainerView() {}

    static TrainerView of(Map<String, Supplier<Object>> answers) {
        return (TrainerView) Proxy.newProxyInstance(TrainerView.class.getClassLoader(),
                new Class<?>[] {TrainerView.class}, (proxy, method, args) -> {
                    Supplier<Object> answer = answers.get(method.getName());
                    if (answer != null) {
                        return answer.get();
                    }
                    Class<?> type = method.getReturnType();
                    if (type == int.class) {
                        return 0;
                    } else if (type == long.class) {
                        return 0L;
                    } else if (type == boolean.class) {
                        return false;
                    } else if (type == List.class) {
                        return List.of();
                    } else if (type == Map.class) {
                        return Map.of();
                    }
                    return null;
                });
    }
}
