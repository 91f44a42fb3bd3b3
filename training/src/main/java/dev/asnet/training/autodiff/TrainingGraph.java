package dev.asnet.training.autodiff;

import dev.asnet.exporter.ir.Model;
import java.util.List;
import java.util.Map;

/**
 * A training-step graph and its interface. Inputs: {@link #IMAGES} [B, C, H, W] float,
 * {@link #LABELS} [B] int64, {@link #LEARNING_RATE} a float scalar, and every {@link StateSlot}
 * (parameters, their momentum buffers, BN running statistics). Outputs: {@link #LOSS} (mean
 * loss), {@link #CORRECT} (correct predictions in the batch, as float) and each slot's next value.
 *
 * @param model the ONNX model of one step
 * @param batch the static batch size
 * @param state every carried tensor: parameters first, then momentum, then running statistics
 * @param parameterKinds the optimizer treatment of each parameter, by parameter name
 */
public record TrainingGraph(Model model, int batch, List<StateSlot> state, Map<String, ParameterKind> parameterKinds) {
    /** Input: the batch of images. */
    public static final String IMAGES = "images";
    /** Input: the labels. */
    public static final String LABELS = "labels";
    /** Input: the learning rate. */
    public static final String LEARNING_RATE = "lr";
    /** Output: the mean loss. */
    public static final String LOSS = "loss";
    /** Output: the number of correct predictions. */
    public static final String CORRECT = "correct";
    /** Suffix of a momentum buffer's input name. */
    public static final String MOMENTUM_SUFFIX = ".momentum";
    /** Suffix of every next-value output name. */
    public static final String NEXT_SUFFIX = ".next";
}
