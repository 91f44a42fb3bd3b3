package dev.asnet.runtime.nchwc;

import dev.asnet.exporter.onnx.Onnx.AttributeProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.ops.AsnetDomain;

/**
 * Names of ONNX Runtime's NCHWc ops (as they appear in a saved optimized graph) and of asnet's
 * blocked-layout op, with small helpers to recognise them.
 */
public final class NchwcOps {
    /** ONNX Runtime's domain for its blocked-layout ops. */
    public static final String DOMAIN = "com.microsoft.nchwc";
    /** {@code ReorderInput(X) -> Y}: NCHW (or NHWC with {@code channels_last}) to blocked. */
    public static final String REORDER_INPUT = "ReorderInput";
    /** {@code ReorderOutput(X) -> Y}: blocked to NCHW (or NHWC), keeping {@code channels} channels. */
    public static final String REORDER_OUTPUT = "ReorderOutput";
    /** ONNX Runtime's blocked convolution, whose weights reveal the block size. */
    public static final String CONV = "Conv";
    /** ReorderOutput's attribute: the logical channel count of the NCHW tensor. */
    public static final String CHANNELS = "channels";
    /** The reorders' attribute: 1 when the NCHW side is really NHWC. */
    public static final String CHANNELS_LAST = "channels_last";
    /**
     * asnet's ActiveShift on the blocked layout, {@code dev.asnet::ActiveShiftNchwc(X, shift) -> Y}
     * (contract in {@code docs/op-contract.md}); the name the native kernel registers.
     */
    public static final String ACTIVE_SHIFT_NCHWC = "ActiveShiftNchwc";
    /** ActiveShiftNchwc's attribute: the block size of the layout. */
    public static final String BLOCK_SIZE = "block_size";

    private NchwcOps() {}

    /**
     * Whether a node is an op of a domain.
     *
     * @param n the node
     * @param domain the domain
     * @param opType the op type
     * @return true when both match
     */
    public static boolean is(NodeProto n, String domain, String opType) {
        return n.getDomain().equals(domain) && n.getOpType().equals(opType);
    }

    /**
     * Whether a node is asnet's NCHW {@code ActiveShift}.
     *
     * @param n the node
     * @return true for {@code dev.asnet:ActiveShift}
     */
    public static boolean isActiveShift(NodeProto n) {
        return is(n, AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT);
    }

    /** An int attribute, or a default when absent. */
    static long intAttribute(NodeProto n, String name, long absent) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return absent;
    }

    /** An attribute, or null when absent. */
    static AttributeProto attribute(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }
}
