package dev.asnet.exporter.ops;

import dev.asnet.exporter.ir.Dim;
import dev.asnet.exporter.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/** Shape arithmetic shared by the shape functions. */
public final class ShapeMath {
    private ShapeMath() {}

    /**
     * Output extent of a sliding window (conv or pool) along one axis.
     *
     * @param in the input extent
     * @param kernel the kernel extent
     * @param stride the stride
     * @param padBegin padding before
     * @param padEnd padding after
     * @param dilation the dilation
     * @param ceil round up (pooling {@code ceil_mode}) instead of down
     * @return the output extent, possibly {@code <= 0} for a window larger than the input
     * @throws ArithmeticException if the sizes are too large to compute with 64-bit integers
     */
    public static long windowExtent(long in, long kernel, long stride, long padBegin, long padEnd, long dilation,
            boolean ceil) {
        // Exact arithmetic: absurd kernels, pads, dilations or strides (up to Long.MAX_VALUE) must be
        // refused, not wrap around to a plausible-looking size.
        long span = Math.addExact(Math.multiplyExact(kernel - 1, dilation), 1);
        long room = Math.subtractExact(Math.addExact(Math.addExact(in, padBegin), padEnd), span);
        if (room < 0) {
            return 0;
        }
        // ceil(room / stride) without room + stride - 1, which overflows for huge strides.
        long q = Math.floorDiv(room, stride);
        long out = (ceil && q * stride != room ? q + 1 : q) + 1;
        // With ceil_mode the last window must start inside the input or its leading padding.
        if (ceil && Math.multiplyExact(out - 1, stride) >= Math.addExact(in, padBegin)) {
            out--;
        }
        return out;
    }

    /**
     * Sliding-window extent as a dimension: unknown when the input extent is not known.
     *
     * @param ctx the node, for errors
     * @param in the input dimension
     * @param axis the axis name for messages
     * @param kernel kernel extent
     * @param stride stride
     * @param padBegin padding before
     * @param padEnd padding after
     * @param dilation dilation
     * @param ceil ceil mode
     * @return the output dimension
     */
    public static Dim windowDim(NodeContext ctx, Dim in, String axis, long kernel, long stride, long padBegin,
            long padEnd, long dilation, boolean ceil) {
        if (!in.isKnown()) {
            return Dim.unknown();
        }
        long out;
        try {
            out = windowExtent(in.value(), kernel, stride, padBegin, padEnd, dilation, ceil);
        } catch (ArithmeticException e) {
            throw ctx.fail("window of " + kernel + " (dilation " + dilation + ", stride " + stride + ", pads " + padBegin
                    + "+" + padEnd + ") over input " + axis + " " + in.value() + " is too large to compute");
        }
        if (out <= 0) {
            throw ctx.fail("window of " + kernel + " (dilation " + dilation + ") does not fit input " + axis + " " + in.value()
                    + " with pads " + padBegin + "+" + padEnd);
        }
        return Dim.of(out);
    }

    /**
     * Numpy-style multidirectional broadcasting.
     *
     * @param ctx the node, for errors
     * @param a the first shape
     * @param b the second shape
     * @return the broadcast shape
     */
    public static Shape broadcast(NodeContext ctx, Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        List<Dim> out = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            int ia = i - (rank - a.rank());
            int ib = i - (rank - b.rank());
            Dim da = ia >= 0 ? a.dim(ia) : Dim.of(1);
            Dim db = ib >= 0 ? b.dim(ib) : Dim.of(1);
            out.add(broadcastDim(ctx, a, b, da, db));
        }
        return Shape.of(out);
    }

    private static Dim broadcastDim(NodeContext ctx, Shape a, Shape b, Dim da, Dim db) {
        if (da.isKnown() && da.value() == 1) {
            return db;
        }
        if (db.isKnown() && db.value() == 1) {
            return da;
        }
        if (da.isKnown() && db.isKnown()) {
            if (da.value() != db.value()) {
                throw ctx.fail("shapes " + a + " and " + b + " do not broadcast (" + da + " vs " + db + ")");
            }
            return da;
        }
        if (da.sameAs(db)) {
            return da;
        }
        return da.isKnown() ? da : db.isKnown() ? db : Dim.unknown();
    }

    /**
     * Product of dimensions: known when all are known; the symbol itself for a single symbolic
     * dimension times known ones equal to 1; otherwise unknown.
     *
     * @param dims the dimensions
     * @return the product
     */
    public static Dim product(List<Dim> dims) {
        long p = 1;
        Dim symbol = null;
        for (Dim d : dims) {
            if (d.isKnown()) {
                p *= d.value();
            } else if (symbol == null && d.isSymbolic()) {
                symbol = d;
            } else {
                return Dim.unknown();
            }
        }
        if (symbol == null) {
            return Dim.of(p);
        }
        return p == 1 ? symbol : Dim.unknown();
    }
}
