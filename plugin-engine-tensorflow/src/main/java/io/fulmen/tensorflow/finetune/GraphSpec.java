package io.fulmen.tensorflow.finetune;

import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.proto.DataType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The tensors of a loaded SavedModel that fine-tuning feeds, fetches and differentiates, resolved from the names a
 * user gave; every unknown name fails here, naming what the SavedModel has.
 *
 * @param inputs     the signature inputs fed from batch data columns
 * @param outputs    the signature outputs returned by predictions
 * @param lossKind   the loss built on {@code lossOutput}, or null when {@code lossOutput} is the loss itself
 * @param lossOutput the output the loss is built on, or the graph's own scalar loss
 * @param labelInput the graph's label input when it computes its own loss, else null (a placeholder is built)
 * @param variables  the float32 variables fine-tuned, as the outputs of their {@code VariableV2} ops
 * @param named      whether the user named the variables (one that does not reach the loss is then an error; by
 *                   default it is left out)
 */
record GraphSpec(List<Output<?>> inputs, List<Output<?>> outputs, GraphLoss lossKind, Output<?> lossOutput,
                 Output<?> labelInput, List<Output<?>> variables, boolean named) {

    static GraphSpec resolve(SavedModelBundle bundle, String where, FineTuneSettings s) {
        Signature signature = bundle.signatures().stream().filter(sig -> sig.key().equals(s.signature()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException(where + " has no signature '"
                        + s.signature() + "'; it has " + bundle.signatures().stream().map(Signature::key).toList()));
        Graph graph = bundle.graph();
        List<Output<?>> inputs = new ArrayList<>();
        for (String name : s.inputs().keySet()) {
            inputs.add(tensor(graph, signature.getInputs(), name, "input", signature.key()));
        }
        List<Output<?>> outputs = new ArrayList<>();
        for (String name : s.outputs()) {
            outputs.add(tensor(graph, signature.getOutputs(), name, "output", signature.key()));
        }
        Output<?> lossOutput = tensor(graph, signature.getOutputs(), s.lossOutput(), "output", signature.key());
        Output<?> labelInput = s.lossKind() != null ? null
                : tensor(graph, signature.getInputs(), s.labelInput(), "input", signature.key());
        if (lossOutput.dataType() != DataType.DT_FLOAT) {
            throw new IllegalArgumentException("output '" + s.lossOutput() + "' of signature '" + signature.key()
                    + "' is " + lossOutput.dataType() + "; a loss is computed on float32");
        }
        return new GraphSpec(inputs, outputs, s.lossKind(), lossOutput, labelInput,
                variables(graph, where, s.trainable()), !s.trainable().isEmpty());
    }

    private static Output<?> tensor(Graph graph, Map<String, Signature.TensorDescription> declared, String name,
                                    String kind, String signature) {
        Signature.TensorDescription d = declared.get(name);
        if (d == null) {
            throw new IllegalArgumentException("signature '" + signature + "' has no " + kind + " '" + name
                    + "'; its " + kind + "s are " + declared.keySet());
        }
        return graph.outputOrThrow(d.name);
    }

    /** The float32 {@code VariableV2} variables, all of them or those named. */
    private static List<Output<?>> variables(Graph graph, String where, List<String> named) {
        List<String> found = new ArrayList<>();
        for (String op : SavedModelGraphBlock.opsOfType(graph, "VariableV2")) {
            if (graph.operation(op).output(0).dataType() == DataType.DT_FLOAT_REF) {
                found.add(op);
            }
        }
        if (found.isEmpty()) {
            List<String> resource = SavedModelGraphBlock.opsOfType(graph, "VarHandleOp");
            throw new IllegalArgumentException(where + " has no float32 variable to fine-tune"
                    + (resource.isEmpty() ? " (its weights are constants of the graph)"
                    : ": its variables " + resource + " are resource variables (VarHandleOp, as Keras and TF2 "
                    + "export them), which fine-tuning does not support yet; export with TF1-style variables "
                    + "(VariableV2)"));
        }
        List<String> chosen = named.isEmpty() ? found : named;
        for (String name : chosen) {
            if (!found.contains(name)) {
                throw new IllegalArgumentException(where + " has no float32 variable '" + name + "'; it has "
                        + found);
            }
        }
        return chosen.stream().<Output<?>>map(name -> graph.operation(name).output(0)).toList();
    }
}
