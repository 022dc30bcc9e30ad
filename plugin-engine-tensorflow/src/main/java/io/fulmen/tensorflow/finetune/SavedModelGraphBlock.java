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
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

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

    SavedModelGraphBlock(SavedModelBundle bundle, GraphSpec spec) {
        super((byte) 1);
        this.bundle = bundle;
        this.session = bundle.session();
        Graph graph = bundle.graph();
        this.feeds = spec.inputs();
        this.outputs = spec.outputs();
        Ops tf = Ops.create(graph).withSubScope("fulmen_finetune");
        if (spec.lossKind() == null) {
            this.labels = spec.labelInput();
            this.loss = spec.lossOutput().expect(TFloat32.class);
        } else {
            Output<TFloat32> out = spec.lossOutput().expect(TFloat32.class);
            if (spec.lossKind() == GraphLoss.MEAN_SQUARED_ERROR) {
                Placeholder<TFloat32> y = tf.withName("labels").placeholder(TFloat32.class);
                var squared = tf.math.squaredDifference(out, y);
                this.loss = tf.withName("loss").math.mean(tf.reshape(squared, tf.constant(new long[] {-1})),
                        tf.constant(0)).asOutput();
                this.labels = y.asOutput();
            } else {
                Placeholder<TInt64> y = tf.withName("labels").placeholder(TInt64.class);
                this.loss = tf.withName("loss").math.mean(tf.nn.sparseSoftmaxCrossEntropyWithLogits(out, y).loss(),
                        tf.constant(0)).asOutput();
                this.labels = y.asOutput();
            }
        }
        this.variables = spec.variables();
        Output<?>[] grads = graph.addGradients("fulmen_finetune_gradients", new Output<?>[] {loss},
                variables.toArray(new Output<?>[0]), null);
        this.gradients = List.of(grads);
        for (Output<?> v : variables) {
            String name = v.op().name().replace('/', '.');
            Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
                    .optShape(new ai.djl.ndarray.types.Shape(v.shape().asArray()))
                    .optInitializer((manager, shape, type) -> readVariable(v, manager).toType(type, false))
                    .build();
            mirrors.add(addParameter(p));
        }
    }

    /** The variable's value in the SavedModel's session (as loaded, or as last written back). */
    private NDArray readVariable(Output<?> variable, NDManager manager) {
        try (Result r = session.runner().fetch(variable).run()) {
            return TensorConversions.toArray(r.get(0), manager, "variable '" + variable.op().name() + "'");
        }
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
