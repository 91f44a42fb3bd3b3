package dev.asnet.exporter.ops;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.AttributeType;
import dev.asnet.exporter.ir.IrException;
import dev.asnet.exporter.ir.OpSignature;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ir.ValueType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a node of one op type must look like: named input slots (required ones first, then
 * optional ones, or one variadic slot), the attributes it accepts, the opset version that
 * introduced the semantics asnet relies on, and a {@link ShapeFunction}. It is the {@link
 * OpSignature} a graph checks nodes of this op with.
 */
public final class OpSchema implements OpSignature {
    private final String domain;
    private final String opType;
    private final int sinceVersion;
    private final List<String> inputs;
    private final int requiredInputs;
    private final boolean variadic;
    private final Map<String, AttrSpec> attributes;
    private final ShapeFunction shapeFunction;

    private OpSchema(Builder b) {
        this.domain = b.domain;
        this.opType = b.opType;
        this.sinceVersion = b.sinceVersion;
        this.inputs = List.copyOf(b.inputs);
        this.requiredInputs = b.requiredInputs;
        this.variadic = b.variadic;
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(b.attributes));
        this.shapeFunction = b.shapeFunction;
    }

    /**
     * Starts a schema.
     *
     * @param domain the domain ({@code ""} for standard ONNX)
     * @param opType the op type
     * @return a builder
     */
    public static Builder builder(String domain, String opType) {
        return new Builder(domain, opType);
    }

    /**
     * The domain.
     *
     * @return the domain
     */
    @Override
    public String domain() {
        return domain;
    }

    /**
     * The op type.
     *
     * @return the op type
     */
    @Override
    public String opType() {
        return opType;
    }

    /**
     * The first opset version of {@link #domain()} with the semantics asnet uses.
     *
     * @return the version
     */
    @Override
    public int sinceVersion() {
        return sinceVersion;
    }

    /**
     * The attributes this op accepts.
     *
     * @return specs by name
     */
    public Map<String, AttrSpec> attributes() {
        return attributes;
    }

    /**
     * The name of an input slot, for messages.
     *
     * @param i the slot
     * @return its name
     */
    @Override
    public String inputName(int i) {
        if (variadic) {
            return inputs.get(0) + "[" + i + "]";
        }
        return i < inputs.size() ? inputs.get(i) : "extra input " + i;
    }

    @Override
    public Attribute attributeDefault(String name) {
        AttrSpec spec = attributes.get(name);
        return spec == null ? null : spec.defaultValue();
    }

    @Override
    public List<ValueType> check(String who, List<Value> nodeInputs, Map<String, Attribute> nodeAttributes) {
        return check(new NodeContext(who, this, nodeInputs, nodeAttributes));
    }

    /**
     * Validates a node and infers its output types: input count, required inputs present,
     * attributes known and of the right type, required attributes set, then the shape function.
     *
     * @param ctx the node
     * @return the output types
     * @throws IrException naming the node and the mismatch
     */
    public List<ValueType> check(NodeContext ctx) {
        int n = ctx.inputCount();
        if (n < requiredInputs) {
            throw ctx.fail("expects at least " + requiredInputs + " input" + (requiredInputs == 1 ? "" : "s") + " "
                    + (variadic ? inputs : inputs.subList(0, requiredInputs)) + " but got " + n);
        }
        if (!variadic && n > inputs.size()) {
            throw ctx.fail("expects at most " + inputs.size() + " inputs " + inputs + " but got " + n);
        }
        for (int i = 0; i < Math.min(n, variadic ? n : requiredInputs); i++) {
            if (ctx.input(i) == null) {
                throw ctx.fail("required input " + i + " (" + inputName(i) + ") is missing");
            }
        }
        for (Attribute a : ctx.attributes().values()) {
            AttrSpec spec = attributes.get(a.name());
            if (spec == null) {
                throw ctx.fail("unknown attribute '" + a.name() + "' (" + opType + " accepts "
                        + (attributes.isEmpty() ? "no attributes" : attributes.keySet().toString()) + ")");
            }
            if (spec.type() != a.type()) {
                throw ctx.fail("attribute '" + a.name() + "' must be " + spec.type() + " but is " + a.type());
            }
        }
        for (AttrSpec spec : attributes.values()) {
            if (spec.required() && !ctx.attributes().containsKey(spec.name())) {
                throw ctx.fail("required attribute '" + spec.name() + "' is missing");
            }
        }
        return shapeFunction.infer(ctx);
    }

    /** Builds an {@link OpSchema}. */
    public static final class Builder {
        private final String domain;
        private final String opType;
        private int sinceVersion = 1;
        private final List<String> inputs = new ArrayList<>();
        private int requiredInputs;
        private boolean variadic;
        private final Map<String, AttrSpec> attributes = new LinkedHashMap<>();
        private ShapeFunction shapeFunction;

        private Builder(String domain, String opType) {
            this.domain = domain;
            this.opType = opType;
        }

        /**
         * Sets the opset version the semantics date from.
         *
         * @param version the version
         * @return this builder
         */
        public Builder setSinceVersion(int version) {
            this.sinceVersion = version;
            return this;
        }

        /**
         * Adds required input slots (before any optional one).
         *
         * @param names slot names
         * @return this builder
         */
        public Builder addInputs(String... names) {
            if (requiredInputs != inputs.size()) {
                throw new IllegalStateException(opType + ": required inputs must precede optional ones");
            }
            for (String s : names) {
                inputs.add(s);
                requiredInputs++;
            }
            return this;
        }

        /**
         * Adds optional input slots.
         *
         * @param names slot names
         * @return this builder
         */
        public Builder optInputs(String... names) {
            inputs.addAll(List.of(names));
            return this;
        }

        /**
         * Declares one variadic slot taking one or more inputs.
         *
         * @param name the slot name
         * @return this builder
         */
        public Builder setVariadic(String name) {
            inputs.add(name);
            requiredInputs = 1;
            variadic = true;
            return this;
        }

        /**
         * Adds an attribute that must be set.
         *
         * @param name the name
         * @param type the type
         * @return this builder
         */
        public Builder addRequiredAttribute(String name, AttributeType type) {
            attributes.put(name, new AttrSpec(name, type, true, null));
            return this;
        }

        /**
         * Adds an optional attribute.
         *
         * @param name the name
         * @param type the type
         * @param defaultValue its default (null if there is none)
         * @return this builder
         */
        public Builder optAttribute(String name, AttributeType type, Attribute defaultValue) {
            attributes.put(name, new AttrSpec(name, type, false, defaultValue));
            return this;
        }

        /**
         * Sets the shape function.
         *
         * @param fn validates and infers outputs
         * @return this builder
         */
        public Builder setShapeFunction(ShapeFunction fn) {
            this.shapeFunction = fn;
            return this;
        }

        /**
         * Builds the schema.
         *
         * @return the schema
         */
        public OpSchema build() {
            if (shapeFunction == null) {
                throw new IllegalStateException(opType + ": schema needs a shape function");
            }
            return new OpSchema(this);
        }
    }
}
