/**
 * CodeCarbon's {@code emissions.csv} as metered one-off runs: what a training pipeline metered with CodeCarbon calls
 * to report its runs without the CLI ({@code ./payback run --from-codecarbon} calls the same code).
 * {@link io.carbonllm.payback.sdk.codecarbon.CodeCarbonRuns} reads the file into
 * {@link io.carbonllm.payback.sdk.codecarbon.CodeCarbonRun}s, one per CodeCarbon {@code run_id}, and records them
 * through {@link io.carbonllm.payback.sdk.PaybackTracker#recordTrainingRun}.
 *
 * <pre>{@code
 * try (PaybackTracker tracker = PaybackTracker.builder()
 *         .bootstrapServers("broker:9092")
 *         .schemaRegistryUrl("http://registry:8081")
 *         .build()) {
 *     List<CodeCarbonRun> runs = CodeCarbonRuns.read(Path.of("emissions.csv"));   // IllegalArgumentException
 *                                                                                // naming line and column
 *     CodeCarbonRuns.record(tracker, "ft-final", runs, RunKind.FINE_TUNE,          // published as ft-final-1, -2...
 *             "llama-3.1-8b-support-ft", 1.0, null);
 * }                                                                                // close() delivers them
 * }</pre>
 */
package io.carbonllm.payback.sdk.codecarbon;
