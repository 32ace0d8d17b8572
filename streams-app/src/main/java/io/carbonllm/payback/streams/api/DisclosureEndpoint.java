package io.carbonllm.payback.streams.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.disclosure.Disclosure;
import io.carbonllm.payback.streams.disclosure.DisclosureFormats;
import io.carbonllm.payback.streams.disclosure.DisclosureInputs;
import io.carbonllm.payback.streams.disclosure.DisclosureReader;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code GET /api/disclosure?from=&to=&comparison=&format=}: the same report as {@code ./payback disclose}, read from
 * the topics whole on each request (the day totals are on every partition, so no instance holds them all in a store).
 * A reversed period, one with no closed day, an unknown comparison or format is a 400 naming it.
 */
final class DisclosureEndpoint {

    private static final Set<String> PARAMS = Set.of("from", "to", "comparison", "format");

    private final Supplier<DisclosureInputs> inputs;

    DisclosureEndpoint(Supplier<DisclosureInputs> inputs) {
        this.inputs = inputs;
    }

    /** Reads the app's own topics with its Kafka client settings (consumer keys only, no group). */
    static DisclosureEndpoint of(PaybackStreamsConfig config, SchemaRegistryClient registry) {
        DisclosureReader reader = new DisclosureReader(
                LiveSource.consumerProperties(config.originals(), config.applicationId() + "-disclosure"), registry, new DisclosureReader.TopicNames(
                config.periodTotalsTopic(), config.periodRestatementsTopic(), config.paybackStatusTopic(),
                config.comparisonsTopic(), config.trainingRunsTopic()));
        return new DisclosureEndpoint(reader::read);
    }

    void handle(Context ctx) {
        QueryParams params = new QueryParams(ctx.queryParamMap(), PARAMS);
        LocalDate from = day(params, "from");
        LocalDate to = day(params, "to");
        DisclosureFormats.Format format = DisclosureFormats.Format.valueOf(
                params.oneOf("format", List.of("JSON", "CSV", "HTML", "BOAMPS"), "JSON"));
        if (to.isBefore(from)) {
            throw ApiException.badParameter("to", "is before from (" + from + "): the period is reversed");
        }
        Disclosure.Request request = new Disclosure.Request(from, to, params.string("comparison"));
        ObjectNode report;
        try {
            report = Disclosure.build(inputs.get(), request, new Disclosure.Provenance(Disclosure.softwareVersion(),
                    "GET " + ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()), Instant.now()));
        } catch (Disclosure.BadRequest e) {
            // an unknown comparison, or no closed day in the period: the message says which
            throw new ApiException(400, "invalid_parameter", e.getMessage(), e.parameter(), List.of(), null);
        }
        ctx.contentType(format.contentType()).result(DisclosureFormats.render(report, format));
    }

    private static LocalDate day(QueryParams params, String name) {
        String value = params.string(name);
        if (value == null) {
            throw ApiException.badParameter(name, "is required: a UTC day, YYYY-MM-DD");
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badParameter(name, "must be a UTC day, YYYY-MM-DD, got " + value);
        }
    }
}
