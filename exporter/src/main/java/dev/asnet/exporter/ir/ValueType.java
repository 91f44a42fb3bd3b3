package dev.asnet.exporter.ir;

import java.util.Objects;

/**
 * The static type of a value: element type and shape.
 *
 * @param dataType the element type
 * @param shape the shape (known rank)
 */
public record ValueType(DataType dataType, Shape shape) {
    /**
     * Checks both parts are present.
     *
     * @param dataType the element type
     * @param shape the shape
     */
    public ValueType {
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(shape, "shape");
    }

    /** Prints like {@code FLOAT[N, 3, 224, 224]}. */
    @Override
    public String toString() {
        return dataType + shape.toString();
    }
}
