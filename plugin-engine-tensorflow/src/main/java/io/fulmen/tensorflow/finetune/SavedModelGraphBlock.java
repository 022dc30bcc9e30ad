package io.fulmen.tensorflow.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.tensorflow.proto.DataType.DT_FLOAT;

/**
 * A SavedModel's graph as a DJL block whose parameters are the graph's float32 variables, so that Fulmen's Trainer
 * owns their values (its optimizers update them, its checkpoints save them) while TensorFlow computes the forward
 * pass and the gradients ({@link Graph#addGradients}). Each call feeds the parameters' current values in place of
 * the variables, runs the graph once, and returns a loss whose gradient with respect to each parameter is the one
 * TensorFlow computed: {@code loss + Σ sum(p·g) − stopGradient(Σ sum(p·g))}, built on the caller's engine.
 *
 * <p>Inputs: the signature inputs in the order configured, then the labels when a loss is wanted. Outputs: the loss
 * first when labels were given, then the configured outputs.
 */
final class SavedModelGraphBlock extends AbstractBlock implements AutoCloseable {
    private final SavedModelBundle bundle;
    private final Session session;
    private final List<Output<?>> feeds;
    private final Output<?> labels;
    private final Output<TFloat32> loss;
    private final List<Output<?>> outputs;
    private final List<Output<?>> variables;
    private final List<Output<?>> gradients;
    private final List<Parameter> mirrors = new ArrayList<>();
    private final List<String> tags;
    private final String prefix;
    private List<Placeholder<TFloat32>> writeBack;
    private List<Assign<TFloat32>> assigns;

    SavedModelGraphBlock(SavedModelBundle bundle, GraphSpec spec, List<String> tags) {
        super((byte) 1);
        this.bundle = bundle;
        this.tags = tags;
        this.session = bundle.session();
        Graph graph = bundle.graph();
        this.feeds = spec.inputs();
        this.outputs = spec.outputs();
        this.prefix = unusedPrefix(graph);
        Ops tf = Ops.create(graph).withSubScope(prefix);
        if (spec.lossKind() == null) {
            this.labels = spec.labelInput();
            this.loss = spec.lossOutput().expect(TFloat32.class);
        } else {
            GraphLoss.Built built = spec.lossKind().build(tf, spec.lossOutput().expect(TFloat32.class));
            this.labels = built.labels();
            this.loss = built.loss();
        }
        this.variables = reachingTheLoss(graph, spec);
        try {
            this.gradients = List.of(graph.addGradients(prefix + "_gradients", new Output<?>[] {loss},
                    variables.toArray(new Output<?>[0]), null));
        } catch (TensorFlowException e) {
            throw new IllegalArgumentException("TensorFlow cannot differentiate this graph: " + e.getMessage()
                    + " (graph gradients come from TensorFlow's C++ gradient registry, which lacks some ops that "
                    + "Python's has; compute the loss with other ops, or use loss(GraphLoss, output))", e);
        }
        for (Output<?> v : variables) {
            String name = v.op().name().replace('/', '.');
            Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
                    .optShape(new ai.djl.ndarray.types.Shape(v.shape().asArray()))
                    .optInitializer((manager, shape, type) -> readVariable(v, manager).toType(type, false))
                    .build();
            mirrors.add(addParameter(p));
        }
    }

    /**
     * The variables the loss depends on (TensorFlow refuses a gradient for any other): all of those found, or those
     * named, where one named that does not reach the loss is an error.
     */
    private List<Output<?>> reachingTheLoss(Graph graph, GraphSpec spec) {
        Set<GraphOperation> upstream = graph.subgraphTo(Set.of(loss));
        List<Output<?>> reached = new ArrayList<>();
        for (Output<?> v : spec.variables()) {
            if (upstream.contains(v.op())) {
                reached.add(v);
            } else if (spec.named()) {
                throw new IllegalArgumentException("variable '" + v.op().name() + "' does not reach the loss: "
                        + "TensorFlow has no gradient for it; leave it out of trainable(...)");
            }
        }
        if (reached.isEmpty()) {
            throw new IllegalArgumentException("none of the variables " + spec.variables().stream()
                    .map(v -> v.op().name()).toList() + " reaches the loss");
        }
        return List.copyOf(reached);
    }

    /**
     * A name scope no op of the graph uses yet: a SavedModel exported after fine-tuning carries the ops added by
     * the first fine-tuning, and a second one must not collide with them.
     */
    private static String unusedPrefix(Graph graph) {
        Set<String> taken = new HashSet<>();
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            String name = it.next().name();
            if (name.startsWith("fulmen_finetune")) {
                taken.add(name.contains("/") ? name.substring(0, name.indexOf('/')) : name);
            }
        }
        String candidate = "fulmen_finetune";
        for (int i = 1; isTaken(taken, candidate); i++) {
            candidate = "fulmen_finetune" + i;
        }
        return candidate;
    }

    private static boolean isTaken(Set<String> scopes, String prefix) {
        return scopes.stream().anyMatch(s -> s.equals(prefix) || s.startsWith(prefix + "_"));
    }

    /** The variable's value in the SavedModel's session (as loaded, or as last written back). */
    private NDArray readVariable(Output<?> variable, NDManager manager) {
        try (Result r = session.runner().fetch(variable).run()) {
            return TensorConversions.toArray(r.get(0), manager, "variable '" + variable.op().name() + "'");
        }
    }

    /**
     * Writes the parameters' values into the session's variables, then exports the session's graph with every
     * signature of the SavedModel to {@code dir}: a SavedModel that TensorFlow serves with the fine-tuned values.
     */
    synchronized void export(Path dir) throws IOException {
        List<String> resource = opsOfType(bundle.graph(), "VarHandleOp");
        if (!resource.isEmpty()) {
            throw new IllegalStateException("cannot export: TensorFlow Java's exporter saves VariableV2 variables "
                    + "only, and this graph also holds resource variables " + resource + " whose values would be "
                    + "lost; save the fine-tuned values with Fulmen's checkpoints instead");
        }
        if (assigns == null) {
            Ops tf = Ops.create(bundle.graph()).withSubScope(prefix + "_write_back");
            writeBack = new ArrayList<>();
            assigns = new ArrayList<>();
            for (Output<?> v : variables) {
                Placeholder<TFloat32> value = tf.placeholder(TFloat32.class);
                writeBack.add(value);
                assigns.add(tf.assign(floats(v), value));
            }
        }
        List<Tensor> open = new ArrayList<>();
        try {
            Session.Runner runner = session.runner();
            for (int i = 0; i < mirrors.size(); i++) {
                Parameter p = mirrors.get(i);
                if (!p.isInitialized()) {
                    throw new IllegalStateException("variable '" + variables.get(i).op().name() + "' has no value "
                            + "yet: fit, validate or test the module before exporting it");
                }
                runner.feed(writeBack.get(i), keep(open, TensorConversions.toTensor(p.getArray(), DT_FLOAT,
                        "variable '" + variables.get(i).op().name() + "'")));
                runner.addTarget(assigns.get(i));
            }
            runner.run().close();
        } finally {
            open.forEach(Tensor::close);
        }
        SavedModelBundle.exporter(dir.toString()).withTags(tags.toArray(new String[0])).withSession(session)
                .withSignatures(bundle.signatures().toArray(new Signature[0])).export();
    }

    /** A {@code VariableV2}'s output, typed as the float32 it holds (its dtype is float32's reference type). */
    @SuppressWarnings("unchecked")
    private static Output<TFloat32> floats(Output<?> variable) {
        return (Output<TFloat32>) variable;
    }

    /** The SavedModel's variable names, in parameter order. */
    List<String> variableNames() {
        return variables.stream().map(v -> v.op().name()).toList();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        boolean withLoss = inputs.size() == feeds.size() + 1;
        if (!withLoss && inputs.size() != feeds.size()) {
            throw new IllegalArgumentException("the graph takes " + feeds.size() + " input(s) and optionally the "
                    + "labels, got " + inputs.size() + " arrays");
        }
        NDManager manager = inputs.head().getManager();
        List<Tensor> open = new ArrayList<>();
        try {
            Session.Runner runner = session.runner();
            for (int i = 0; i < feeds.size(); i++) {
                runner.feed(feeds.get(i), keep(open, TensorConversions.toTensor(inputs.get(i),
                        feeds.get(i).dataType(), "input '" + feeds.get(i).op().name() + "'")));
            }
            if (withLoss) {
                runner.feed(labels, keep(open, TensorConversions.toTensor(inputs.get(feeds.size()),
                        labels.dataType(), "the labels")));
            }
            NDArray[] values = new NDArray[mirrors.size()];
            for (int i = 0; i < mirrors.size(); i++) {
                values[i] = store.getValue(mirrors.get(i), manager.getDevice(), training);
                runner.feed(variables.get(i), keep(open, TensorConversions.toTensor(values[i], DT_FLOAT,
                        "variable '" + variables.get(i).op().name() + "'")));
            }
            boolean withGradients = withLoss && training;
            if (withLoss) {
                runner.fetch(loss);
            }
            if (withGradients) {
                gradients.forEach(runner::fetch);
            }
            outputs.forEach(runner::fetch);
            try (Result result = runner.run()) {
                NDList out = new NDList();
                int next = 0;
                if (withLoss) {
                    NDArray value = TensorConversions.toArray(result.get(next++), manager, "the loss");
                    if (withGradients) {
                        value = value.add(tensorFlowGradientsOf(values, result, next, manager));
                        next += gradients.size();
                    }
                    out.add(value);
                }
                for (Output<?> o : outputs) {
                    out.add(TensorConversions.toArray(result.get(next++), manager, "output '" + o.op().name()
                            + "'"));
                }
                return out;
            }
        } finally {
            open.forEach(Tensor::close);
        }
    }

    /** Zero in value, and {@code g_i} as the gradient of each parameter {@code p_i}. */
    private NDArray tensorFlowGradientsOf(NDArray[] values, Result result, int first, NDManager manager) {
        NDArray linear = null;
        for (int i = 0; i < values.length; i++) {
            NDArray g = TensorConversions.toArray(result.get(first + i), manager, "the gradient of '"
                    + variables.get(i).op().name() + "'");
            NDArray term = g.mul(values[i].toType(DataType.FLOAT32, false)).sum(); // g first: the batch's manager
            linear = linear == null ? term : linear.add(term);
        }
        return linear.sub(linear.stopGradient());
    }

    private static Tensor keep(List<Tensor> open, Tensor t) {
        open.add(t);
        return t;
    }

    @Override
    public ai.djl.ndarray.types.Shape[] getOutputShapes(ai.djl.ndarray.types.Shape[] inputShapes) {
        List<ai.djl.ndarray.types.Shape> shapes = new ArrayList<>();
        if (inputShapes.length == feeds.size() + 1) {
            shapes.add(new ai.djl.ndarray.types.Shape());
        }
        for (Output<?> o : outputs) {
            shapes.add(new ai.djl.ndarray.types.Shape(o.shape().asArray()));
        }
        return shapes.toArray(new ai.djl.ndarray.types.Shape[0]);
    }

    /** Ops of the graph of a given type, for errors. */
    static List<String> opsOfType(Graph graph, String type) {
        List<String> names = new ArrayList<>();
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            if (op.type().equals(type)) {
                names.add(op.name());
            }
        }
        return names;
    }

    @Override
    public void close() {
        bundle.close();
    }
}
