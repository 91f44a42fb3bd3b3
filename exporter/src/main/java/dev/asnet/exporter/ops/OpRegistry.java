package dev.asnet.exporter.ops;

import dev.asnet.exporter.ir.OpChecker;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Op schemas by domain and op type: the {@link OpChecker} graphs are given. */
public final class OpRegistry implements OpChecker {
    private static final OpRegistry STANDARD = createStandard();

    private final Map<String, OpSchema> schemas = new LinkedHashMap<>();
    private boolean frozen;

    /** An empty registry; add schemas with {@link #register}. */
    public OpRegistry() {}

    /**
     * The shared registry of every op asnet knows: {@link StandardOps} and {@link AsnetOpSchemas}.
     *
     * @return the standard registry (do not modify it; copy it with {@link #copy()} to extend)
     */
    public static OpRegistry standard() {
        return STANDARD;
    }

    private static OpRegistry createStandard() {
        OpRegistry r = new OpRegistry();
        StandardOps.registerAll(r);
        AsnetOpSchemas.registerAll(r);
        r.frozen = true;
        return r;
    }

    /**
     * A modifiable copy of this registry.
     *
     * @return the copy
     */
    public OpRegistry copy() {
        OpRegistry r = new OpRegistry();
        r.schemas.putAll(schemas);
        return r;
    }

    /**
     * Adds or replaces a schema.
     *
     * @param schema the schema
     * @return this registry
     */
    public OpRegistry register(OpSchema schema) {
        if (frozen) {
            throw new IllegalStateException("the standard registry is shared; register into OpRegistry.standard().copy()");
        }
        schemas.put(key(schema.domain(), schema.opType()), schema);
        return this;
    }


    /**
     * Looks up a schema.
     *
     * @param domain the domain ({@code ""} for standard ONNX)
     * @param opType the op type
     * @return the schema if registered
     */
    @Override
    public Optional<OpSchema> find(String domain, String opType) {
        return Optional.ofNullable(schemas.get(key(domain, opType)));
    }

    /**
     * Every schema.
     *
     * @return an unmodifiable view
     */
    public Collection<OpSchema> schemas() {
        return Collections.unmodifiableCollection(schemas.values());
    }

    private static String key(String domain, String opType) {
        return domain + "::" + opType;
    }
}
