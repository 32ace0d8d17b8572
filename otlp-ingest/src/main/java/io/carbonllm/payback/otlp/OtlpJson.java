package io.carbonllm.payback.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * The OTLP JSON encoding (OTLP specification, "JSON Protobuf Encoding"): the protobuf JSON mapping, except that trace
 * and span ids are hex strings, not base64. So ids are rewritten to base64 before protobuf's own parser reads it.
 */
final class OtlpJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> ID_FIELDS = Set.of("traceId", "spanId", "parentSpanId", "trace_id", "span_id",
            "parent_span_id");
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private OtlpJson() {
    }

    static ExportTraceServiceRequest parse(byte[] body) throws MalformedRequestException {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new MalformedRequestException("body is not JSON: " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new MalformedRequestException("body is not a JSON object");
        }
        hexIdsToBase64(tree);
        ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
        try {
            PARSER.merge(tree.toString(), request);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedRequestException("not an OTLP ExportTraceServiceRequest: " + e.getMessage());
        }
        return request.build();
    }

    static byte[] response(ExportTraceServiceResponse response) {
        try {
            return JsonFormat.printer().omittingInsignificantWhitespace().print(response).getBytes(
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void hexIdsToBase64(JsonNode node) throws MalformedRequestException {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                if (ID_FIELDS.contains(field.getKey()) && field.getValue().isTextual()) {
                    object.set(field.getKey(), TextNode.valueOf(base64(field.getKey(), field.getValue().asText())));
                } else {
                    hexIdsToBase64(field.getValue());
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                hexIdsToBase64(element);
            }
        }
    }

    private static String base64(String field, String hex) throws MalformedRequestException {
        try {
            return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new MalformedRequestException(field + " '" + hex + "' is not hex");
        }
    }
}
