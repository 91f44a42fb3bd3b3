package dev.asnet.models;

import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.export.InferenceExport;
import dev.asnet.exporter.ir.Model;

/** A named network that can be built for a {@link ModelConfig}. */
public interface Architecture {
    /**
     * The registry name, such as {@code as-resnet-w32}.
     *
     * @return the name
     */
    String name();

    /**
     * One line on what the network is (and, for approximations, that it is one).
     *
     * @return the description
     */
    String description();

    /**
     * The input size, classes and normalization the network is defined for.
     *
     * @return the default configuration
     */
    ModelConfig defaultConfig();

    /**
     * Builds the network in training form with freshly initialized weights.
     *
     * @param config input size, classes, seed
     * @return the model, with metadata filled in
     */
    Model build(ModelConfig config);

    /**
     * Builds the network for its default configuration.
     *
     * @return the model
     */
    default Model build() {
        return build(defaultConfig());
    }

    /**
     * Builds the network and prepares it for inference.
     *
     * @param config input size, classes, seed
     * @param options lowering and folding choices
     * @return the inference model
     */
    default Model buildForInference(ModelConfig config, ExportOptions options) {
        return InferenceExport.prepare(build(config), options);
    }
}
