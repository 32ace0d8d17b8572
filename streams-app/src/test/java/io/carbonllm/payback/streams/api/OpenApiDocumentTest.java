package io.carbonllm.payback.streams.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document and the routes the server registers describe the same API. */
class OpenApiDocumentTest {

    private static JsonNode document() throws Exception {
        try (InputStream in = ApiServer.class.getResourceAsStream("openapi.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void everyRouteIsDescribedAndNothingElse() throws Exception {
        JsonNode paths = document().get("paths");
        Set<String> routes = new HashSet<>();
        for (ApiServer.Route route : ApiServer.ROUTES) {
            String method = route.method().name().toLowerCase(Locale.ROOT);
            routes.add(method + " " + route.path());
            assertThat(paths.path(route.path()).has(method)).as("%s %s in openapi.json", method, route.path()).isTrue();
        }
        Set<String> documented = new HashSet<>();
        paths.properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (!op.getKey().equals("parameters")) {
                documented.add(op.getKey() + " " + path.getKey());
            }
        }));
        assertThat(documented).isEqualTo(routes);
    }

    @Test
    void everyOperationDocumentsItsAnswersAndEveryReferenceResolves() throws Exception {
        JsonNode doc = document();
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (!op.getKey().equals("parameters")) {
                assertThat(op.getValue().path("responses").size()).as("%s %s", op.getKey(), path.getKey()).isPositive();
            }
        }));
        Set<String> refs = new HashSet<>();
        collectRefs(doc, refs);
        for (String ref : refs) {
            assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
        }
    }

    @Test
    void readsThatTouchStoresDocument503WithRetryAfter() throws Exception {
        JsonNode paths = document().get("paths");
        for (String path : new String[] {ApiServer.COMPARISONS, ApiServer.COMPARISON, ApiServer.COMPARISON_WINDOWS,
                ApiServer.ALERTS}) {
            assertThat(paths.at("/" + path.replace("~", "~0").replace("/", "~1") + "/get/responses/503/headers/Retry-After")
                    .isMissingNode()).as(path).isFalse();
        }
    }

    /** The API's operations that take no query parameter they do not know: all under /api/ but these. */
    static final Set<String> QUERY_NOT_READ = Set.of(ApiServer.HEALTH, ApiServer.READY, ApiServer.OPENAPI);

    static boolean refusesUnknownQueryParameters(ApiServer.Route route) {
        return route.path().startsWith("/api/") && !QUERY_NOT_READ.contains(route.path());
    }

    @Test
    void everyOperationThatRefusesAnUnknownQueryParameterDocumentsThe400() throws Exception {
        JsonNode paths = document().get("paths");
        for (ApiServer.Route route : ApiServer.ROUTES) {
            if (!refusesUnknownQueryParameters(route)) {
                continue;
            }
            String method = route.method().name().toLowerCase(Locale.ROOT);
            JsonNode bad = paths.path(route.path()).path(method).path("responses").path("400");
            assertThat(bad.isObject()).as("%s %s documents 400", method, route.path()).isTrue();
            assertThat(bad.path("description").asText()).as("%s %s", method, route.path())
                    .containsIgnoringCase("query parameter");
        }
    }

    @Test
    void theDetailSaysWhetherItsAlertHistoryIsCompleteAndWhyNot() throws Exception {
        JsonNode detail = document().at("/components/schemas/ComparisonDetail/properties");
        assertThat(detail.at("/alertHistoryComplete/type").asText()).isEqualTo("boolean");
        JsonNode reason = detail.get("alertHistoryIncompleteReason");
        assertThat(reason.get("nullable").asBoolean()).isTrue();
        Set<String> documented = new HashSet<>();
        reason.get("enum").forEach(v -> documented.add(v.isNull() ? null : v.asText()));
        Set<String> gaps = new HashSet<>();
        gaps.add(null);
        for (AlertHistory.Gap gap : AlertHistory.Gap.values()) {
            gaps.add(gap.name());
            assertThat(reason.get("description").asText()).contains(gap.name() + ":");
        }
        assertThat(documented).isEqualTo(gaps);
    }

    private static void collectRefs(JsonNode node, Set<String> refs) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals("$ref")) {
                    refs.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }
}
