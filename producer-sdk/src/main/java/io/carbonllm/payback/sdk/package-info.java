/**
 * The producer SDK: what an LLM gateway embeds to report each request, and what a training pipeline calls to report a
 * one-off run. One {@link io.carbonllm.payback.sdk.PaybackTracker} per process; {@code record} never blocks.
 *
 * <pre>{@code
 * PaybackTracker tracker = PaybackTracker.builder()
 *         .bootstrapServers("broker:9092")
 *         .schemaRegistryUrl("http://registry:8081")
 *         .gateway("gw-eu-1")
 *         .build();
 * // per LLM request, on the request thread: validates, queues, returns
 * tracker.request().useCase("support-summarize").model("llama-3.1-8b-support-ft").region("eu-north-1")
 *         .inputTokens(812).outputTokens(164).success(true).record();
 * // at shutdown: delivers what is queued within the timeout, and says what it could not
 * CloseReport report = tracker.close(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>{@link io.carbonllm.payback.sdk.PaybackTracker#metrics()} counts what was recorded, sent and dropped (by
 * {@link io.carbonllm.payback.sdk.DropCause}). Everything under {@code internal} may change without notice.
 *
 * <p>A training pipeline metered with CodeCarbon records its runs from CodeCarbon's {@code emissions.csv} with
 * {@link io.carbonllm.payback.sdk.codecarbon.CodeCarbonRuns}; module {@code producer-sdk-micrometer} binds the metrics
 * to a Micrometer registry.
 */
package io.carbonllm.payback.sdk;
