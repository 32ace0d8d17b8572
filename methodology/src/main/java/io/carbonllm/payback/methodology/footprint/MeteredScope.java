package io.carbonllm.payback.methodology.footprint;

/** What a one-off run's metered kWh measured, which decides whether the facility's PUE still applies. */
public enum MeteredScope {
    /** The servers only (a meter at the rack or the GPUs' own counters): PUE applies, as for metered inference. */
    IT,
    /** The whole facility's share, cooling and power conversion included (a data-centre bill): used as is. */
    FACILITY
}
