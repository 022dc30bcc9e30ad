package io.fulmen.tensorflow.finetune;

import java.util.List;
import java.util.Map;

/** What {@link FineTunedSavedModel.Builder} was told, checked against the SavedModel by {@link GraphSpec}. */
record FineTuneSettings(List<String> tags, String signature, Map<String, Integer> inputs, List<String> outputs,
                        GraphLoss lossKind, String lossOutput, String labelInput, int labelColumn,
                        List<String> trainable) {
}
