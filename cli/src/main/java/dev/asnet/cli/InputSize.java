package dev.asnet.cli;

import dev.asnet.runtime.dataset.ImageSize;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An image input size {@code C x H x W} as written on the command line ({@code 1x28x28}), parsed
 * and checked as {@link ImageSize#parse} does.
 *
 * @param channels C, 1 or 3
 * @param height H, >= 1
 * @param width W, >= 1
 */
public record InputSize(int channels, int height, int width) {
    /**
     * Parses {@code CxHxW}.
     *
     * @param text such as {@code 1x28x28} or {@code 3x224x224}
     * @return the size
     * @throws IllegalArgumentException naming what is wrong
     */
    public static InputSize parse(String text) {
        ImageSize size = ImageSize.parse(text);
        return new InputSize(size.channels(), size.height(), size.width());
    }

    /**
     * The same size as the runtime's dataset readers take it.
     *
     * @return the image size
     */
    public ImageSize toImageSize() {
        return new ImageSize(channels, height, width);
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }

    /** picocli converter for {@link #parse}. */
    static final class Converter implements ITypeConverter<InputSize> {
        @Override
        public InputSize convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
