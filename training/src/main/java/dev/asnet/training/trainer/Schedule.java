package dev.asnet.training.trainer;

import java.util.Locale;

/** Learning-rate schedules over the whole run, evaluated per step. */
public enum Schedule {
    /** Half-cosine from the base rate to 0. */
    COSINE,
    /** The base rate, divided by 10 at 50% and again at 75% of the steps (the reference recipe's shape). */
    STEP;

    /**
     * The learning rate of one step.
     *
     * @param base the base rate
     * @param step the global step (0-based)
     * @param total the number of steps of the run
     * @return the rate
     */
    public float rate(float base, long step, long total) {
        double t = total <= 0 ? 0 : (double) step / total;
        return switch (this) {
            case COSINE -> (float) (base * 0.5 * (1 + Math.cos(Math.PI * t)));
            case STEP -> t < 0.5 ? base : t < 0.75 ? base * 0.1f : base * 0.01f;
        };
    }

    /**
     * Parses {@code cosine} or {@code step}.
     *
     * @param text the name
     * @return the schedule
     */
    public static Schedule parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown schedule '" + text + "' (use cosine or step)");
        }
    }
}
