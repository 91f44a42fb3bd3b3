package dev.asnet.models;

import dev.asnet.exporter.ir.Model;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of zoo networks by name.
 *
 * <ul>
 *   <li>{@code as-resnet-w32}, {@code -w50}, {@code -w68}: {@link AsResNet}, ImageNet;</li>
 *   <li>{@code as-resnet20-16x1}, {@code -16x3}, {@code -16x6}, {@code -16x9}, {@code -46x1},
 *       {@code -88x1}: {@link AsResNet20}, CIFAR-style;</li>
 *   <li>{@code shiftresnet20-*} and {@code dwresnet20-*} with the same six sizes: the ablation
 *       baselines ({@link SpatialOp});</li>
 *   <li>{@code mobilenetv2-1.0}, {@code -0.75}, {@code -0.5} (ImageNet) and
 *       {@code mobilenetv2-cifar} (small input): {@link MobileNetV2};</li>
 *   <li>{@code shiftnet-a}, {@code -b}, {@code -c}: {@link ShiftNet}, approximations.</li>
 * </ul>
 */
public final class ModelZoo {
    /** The CIFAR-style sizes W x E, as in the paper. */
    public static final List<int[]> CIFAR_SIZES = List.of(new int[] {16, 1}, new int[] {16, 3}, new int[] {16, 6},
            new int[] {16, 9}, new int[] {46, 1}, new int[] {88, 1});

    private static final Map<String, Architecture> REGISTRY = create();

    private ModelZoo() {}

    private static Map<String, Architecture> create() {
        List<Architecture> all = new ArrayList<>();
        for (int w : new int[] {32, 50, 68}) {
            all.add(new AsResNet(w));
        }
        for (SpatialOp op : SpatialOp.values()) {
            for (int[] size : CIFAR_SIZES) {
                all.add(new AsResNet20(size[0], size[1], op));
            }
        }
        for (double alpha : new double[] {1.0, 0.75, 0.5}) {
            all.add(new MobileNetV2(alpha, false));
        }
        all.add(new MobileNetV2(1.0, true));
        for (ShiftNet.Variant v : ShiftNet.Variant.values()) {
            all.add(new ShiftNet(v));
        }
        Map<String, Architecture> map = new LinkedHashMap<>();
        for (Architecture a : all) {
            if (map.put(a.name(), a) != null) {
                throw new IllegalStateException("duplicate zoo name " + a.name());
            }
        }
        return Collections.unmodifiableMap(map);
    }

    /**
     * Every registered name, in registry order.
     *
     * @return the names
     */
    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /**
     * Every architecture, in registry order.
     *
     * @return the architectures
     */
    public static Collection<Architecture> all() {
        return REGISTRY.values();
    }

    /**
     * Looks up an architecture.
     *
     * @param name a registered name
     * @return the architecture
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Architecture get(String name) {
        Architecture a = REGISTRY.get(name);
        if (a == null) {
            throw new IllegalArgumentException("unknown model '" + name + "'; known models: " + String.join(", ", names()));
        }
        return a;
    }

    /**
     * Builds a network for its default configuration.
     *
     * @param name a registered name
     * @return the model in training form
     */
    public static Model build(String name) {
        return get(name).build();
    }

    /**
     * Builds a network.
     *
     * @param name a registered name
     * @param config input size, classes, seed
     * @return the model in training form
     */
    public static Model build(String name, ModelConfig config) {
        return get(name).build(config);
    }
}
