package io.carbonllm.payback.core.disclosure;

/**
 * Where a figure sits in a GHG inventory (GHG Protocol Corporate Standard, Scope 2 Guidance 2015, Scope 3 Standard
 * 2011). Only the scopes an LLM workload's electricity and hardware reach are named; upstream emissions of purchased
 * electricity (Scope 3 Category 3: well-to-tank, transmission and distribution losses) are not covered.
 */
public enum GhgScope {
    /** Purchased electricity for hardware the organisation owns or colocates. */
    SCOPE_2("Scope 2 (purchased electricity)"),
    /** Purchased goods and services: cloud instances and hosted model APIs, their hardware included. */
    SCOPE_3_CATEGORY_1("Scope 3 Category 1 (purchased goods and services)"),
    /** Capital goods: the manufacture of hardware the organisation owns or colocates. */
    SCOPE_3_CATEGORY_2("Scope 3 Category 2 (capital goods)");

    private final String label;

    GhgScope(String label) {
        this.label = label;
    }

    /** How a report names it, for example "Scope 3 Category 1 (purchased goods and services)". */
    public String label() {
        return label;
    }
}
