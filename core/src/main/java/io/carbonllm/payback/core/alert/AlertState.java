package io.carbonllm.payback.core.alert;

/** An alert transition: each alert is published once when it fires and once when it resolves. */
public enum AlertState {
    FIRING,
    RESOLVED
}
