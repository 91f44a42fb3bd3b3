package dev.asnet.training.autodiff;

/**
 * One tensor the training step carries from step to step: fed as graph input {@code input},
 * returned as graph output {@code output}, which the next step feeds back.
 *
 * @param input the graph input name
 * @param output the graph output name holding the next value
 * @param shape the shape
 * @param initial the initial value (row-major)
 */
public record StateSlot(String input, String output, long[] shape, float[] initial) {
    /**
     * Number of elements.
     *
     * @return the element count
     */
    public int size() {
        return initial.length;
    }
}
