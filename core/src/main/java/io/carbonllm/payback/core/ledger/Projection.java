package io.carbonllm.payback.core.ledger;

import java.time.Instant;

/**
 * The break-even projection in one basis: where the ledger stands and, at the recent rate, when (in event time and in
 * successful tasks) the saving repays the footprint. The live ledger and {@code ./payback estimate} both call
 * {@link #project}; its edge cases are decided here once:
 * <ul>
 *   <li>runs charged to the candidate but not known yet: {@link PaybackState#INSUFFICIENT_DATA}, no projection;</li>
 *   <li>a saving so far above zero that covers the footprint: {@link PaybackState#PAID_BACK};</li>
 *   <li>no rate yet (no closed, priced window): {@link PaybackState#INSUFFICIENT_DATA};</li>
 *   <li>a saving per successful task of zero or less: {@link PaybackState#NOT_SAVING}, never pays back, whatever the
 *       footprint, zero included;</li>
 *   <li>otherwise the break-even at the recent rates, {@link PaybackState#WONT_PAY_BACK_IN_HORIZON} when it falls past
 *       the horizon (in time or in tasks), else {@link PaybackState#PAYING_BACK}.</li>
 * </ul>
 * Nothing here returns NaN or infinity for finite inputs; a break-even more than {@link #MAX_PROJECTION_DAYS} away has
 * no date.
 */
public record Projection(PaybackState state, Double breakEvenSuccessfulTasks, Double breakEvenDays,
                         Instant breakEvenAt, Boolean paysBackWithinHorizon) {

    /** Beyond this the projection is "never" in any practical sense; it also keeps Instant arithmetic finite. */
    public static final double MAX_PROJECTION_DAYS = 36_500;
    static final double MS_PER_DAY = 86_400_000.0;

    /**
     * The horizon a candidate must pay back within: by a time, within a number of successful tasks, both, or neither.
     */
    public record Horizon(Instant end, Long successfulTasks) {

        public static final Horizon NONE = new Horizon(null, null);

        public boolean isSet() {
            return end != null || successfulTasks != null;
        }
    }

    /**
     * @param saved          the saving so far (same unit as the footprint)
     * @param footprint      the one-off footprint, at least zero
     * @param tasksSoFar     the successful tasks the saving so far came from
     * @param savingPerTask  the recent saving per successful task; null when there is no rate yet
     * @param savingPerDay   the recent saving per day; null or zero when there is no traffic to project with
     * @param asOf           where the projection starts (the end of the latest window it rests on)
     * @param horizon        the horizon
     * @param runsMissing    whether runs charged to the candidate are not known yet
     */
    public static Projection project(double saved, double footprint, long tasksSoFar, Double savingPerTask,
                                     Double savingPerDay, Instant asOf, Horizon horizon, boolean runsMissing) {
        if (runsMissing) {
            return new Projection(PaybackState.INSUFFICIENT_DATA, null, null, null, null);
        }
        Boolean whenWithin = horizon.isSet() ? Boolean.TRUE : null;
        Boolean whenBeyond = horizon.isSet() ? Boolean.FALSE : null;
        if (saved > 0 && saved >= footprint) {
            return new Projection(PaybackState.PAID_BACK, null, null, null, whenWithin);
        }
        if (savingPerTask == null) {
            return new Projection(PaybackState.INSUFFICIENT_DATA, null, null, null, null);
        }
        if (!(savingPerTask > 0)) {
            return new Projection(PaybackState.NOT_SAVING, null, null, null, whenBeyond);
        }
        double remaining = Math.max(0, footprint - saved);
        double tasks = tasksSoFar + remaining / savingPerTask;
        // Nothing left to repay breaks even at once; otherwise at the recent rate, if there is traffic to project.
        Double days = remaining == 0 ? Double.valueOf(0)
                : savingPerDay != null && savingPerDay > 0 ? Double.valueOf(remaining / savingPerDay) : null;
        if (days != null && !Double.isFinite(days)) {
            days = null;
        }
        Instant at = days != null && days <= MAX_PROJECTION_DAYS && asOf != null
                ? asOf.plusMillis((long) (days * MS_PER_DAY)) : null;
        // Compared in days, not as rounded instants: a break-even a fraction of a millisecond late is still late
        boolean beyondTime = horizon.end() != null && (days == null || asOf == null
                || days > (horizon.end().toEpochMilli() - asOf.toEpochMilli()) / MS_PER_DAY);
        boolean beyondTasks = horizon.successfulTasks() != null && tasks > horizon.successfulTasks();
        boolean beyond = beyondTime || beyondTasks;
        return new Projection(beyond ? PaybackState.WONT_PAY_BACK_IN_HORIZON : PaybackState.PAYING_BACK,
                Double.isFinite(tasks) ? tasks : null, days, at, horizon.isSet() ? !beyond : null);
    }

    /** saved / footprint; null when there is no footprint to repay. */
    public static Double paybackRatio(double saved, double footprint) {
        if (!(footprint > 0)) {
            return null;
        }
        double ratio = saved / footprint;
        return Double.isFinite(ratio) ? ratio : null;
    }
}
