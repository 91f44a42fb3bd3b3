package dev.asnet.exporter.quantize;

import dev.asnet.exporter.ir.IrException;

/**
 * A model asnet cannot quantize as asked: already quantized, or holding a pattern the quantizer
 * does not handle. The message names the node or value.
 */
public final class QuantizationException extends IrException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the node or value
     */
    public QuantizationException(String message) {
        super(message);
    }
}
