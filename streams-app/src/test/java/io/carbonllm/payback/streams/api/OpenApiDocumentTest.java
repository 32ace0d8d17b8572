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
