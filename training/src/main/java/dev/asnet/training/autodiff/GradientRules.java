package dev.asnet.training.autodiff;

import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.training.autodiff.rules.ActiveShiftGradient;
import dev.asnet.training.autodiff.rules.AddGradient;
import dev.asnet.training.autodiff.rules.BatchNormGradient;
import dev.asnet.training.autodiff.rules.ClipGradient;
import dev.asnet.training.autodiff.rules.ConvGradient;
import dev.asnet.training.autodiff.rules.GemmGradient;
import dev.asnet.training.autodiff.rules.GlobalAveragePoolGradient;
import dev.asnet.training.autodiff.rules.GradientRule;
import dev.asnet.training.autodiff.rules.MulGradient;
import dev.asnet.training.autodiff.rules.ReluGradient;
import dev.asnet.training.autodiff.rules.ReshapeGradient;
import dev.asnet.training.autodiff.rules.SubGradient;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The gradient rules by op: the one place where a rule is tied to an op type. */
public final class GradientRules {
    private static final GradientRules STANDARD = common(TrainingKernels.STANDARD);
    private static final GradientRules FUSED = common(TrainingKernels.FUSED);

    private static GradientRules common(TrainingKernels kernels) {
        return new GradientRules()
            .register("", "Conv", new ConvGradient(kernels == TrainingKernels.FUSED))
            .register("", "BatchNormalization", new BatchNormGradient())
            .register("", "Relu", new ReluGradient(kernels == TrainingKernels.FUSED))
            .register("", "Clip", new ClipGradient())
            .register("", "Add", new AddGradient())
            .register("", "Sub", new SubGradient())
            .register("", "Mul", new MulGradient())
            .register("", "GlobalAveragePool", new GlobalAveragePoolGradient())
            .register("", "Reshape", new ReshapeGradient())
            .register("", "Flatten", new ReshapeGradient())
            .register("", "Gemm", new GemmGradient())
            .register(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT, new ActiveShiftGradient());
    }

    private final Map<String, GradientRule> rules = new HashMap<>();

    private GradientRules() {}

    /**
     * Every rule asnet has, emitting standard ONNX ops (besides ActiveShiftGrad).
     *
     * @return the shared registry
     */
    public static GradientRules standard() {
        return STANDARD;
    }

    /**
     * Every rule asnet has, emitting the given kind of ops where there is a choice (the BN rule
     * follows what its forward was emitted with).
     *
     * @param kernels fused asnet training ops or standard ONNX ops
     * @return the shared registry
     */
    public static GradientRules of(TrainingKernels kernels) {
        return kernels == TrainingKernels.FUSED ? FUSED : STANDARD;
    }

    private GradientRules register(String domain, String opType, GradientRule rule) {
        rules.put(domain + "::" + opType, rule);
        return this;
    }

    /**
     * A copy with one rule added or replaced (to differentiate an op asnet does not cover, or to
     * try an alternative rule); the shared registry is not changed.
     *
     * @param domain the op's domain
     * @param opType the op type
     * @param rule the rule
     * @return the extended copy
     */
    public GradientRules with(String domain, String opType, GradientRule rule) {
        GradientRules copy = new GradientRules();
        copy.rules.putAll(rules);
        return copy.register(domain, opType, rule);
    }

    /**
     * Looks up the rule of an op.
     *
     * @param domain the op's domain
     * @param opType the op type
     * @return the rule, if the op is differentiable
     */
    public Optional<GradientRule> find(String domain, String opType) {
        return Optional.ofNullable(rules.get(domain + "::" + opType));
    }
}
