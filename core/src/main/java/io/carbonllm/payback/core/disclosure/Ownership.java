package io.carbonllm.payback.core.disclosure;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whose hardware a run or a variant's inference ran on. It decides the scope of its emissions (GHG Protocol Scope 2
 * Guidance and Scope 3 Standard): electricity bought for owned or colocated hardware is Scope 2 and the hardware's
 * manufacture Scope 3 Category 2; a cloud instance or a hosted API is a purchased service, Scope 3 Category 1, its
 * hardware included.
 */
public enum Ownership {
    /** Hardware the organisation owns, in its own facility. */
    OWNED(GhgScope.SCOPE_2, GhgScope.SCOPE_3_CATEGORY_2),
    /** Hardware the organisation owns, in a colocation facility whose electricity it pays for. */
    COLOCATED(GhgScope.SCOPE_2, GhgScope.SCOPE_3_CATEGORY_2),
    /** Instances rented from a cloud provider. */
    CLOUD(GhgScope.SCOPE_3_CATEGORY_1, GhgScope.SCOPE_3_CATEGORY_1),
    /** A hosted model API, billed per call or token. */
    API(GhgScope.SCOPE_3_CATEGORY_1, GhgScope.SCOPE_3_CATEGORY_1);

    /**
     * Serving stacks, which events may name as their provider ({@code InferenceEvent.provider}: "the provider or serving
     * stack"): software the organisation runs itself, so no one else's hardware.
     */
    private static final Set<String> SERVING_STACKS = Set.of("vllm", "tgi", "text-generation-inference", "sglang",
            "ollama", "llama.cpp", "llamacpp", "triton", "tensorrt-llm", "lmdeploy", "localai", "self-hosted");

    /** Providers that sell model calls rather than machines. */
    private static final Set<String> API_PROVIDERS = Set.of("openai", "anthropic", "mistral", "mistralai", "cohere",
            "huggingface_hub", "hugging face", "huggingface");

    private final GhgScope electricity;
    private final GhgScope embodied;

    Ownership(GhgScope electricity, GhgScope embodied) {
        this.electricity = electricity;
        this.embodied = embodied;
    }

    /** The scope of the electricity's emissions. */
    public GhgScope electricityScope() {
        return electricity;
    }

    /** The scope of the hardware's embodied (manufacturing) emissions. */
    public GhgScope embodiedScope() {
        return embodied;
    }

    /**
     * The ownership a provider implies when none is given: no provider, or a serving stack the organisation runs
     * itself (vllm, tgi, sglang, ollama, llama.cpp, triton, tensorrt-llm, lmdeploy, localai), means the organisation's
     * own hardware ({@link #OWNED}); a model-API provider (OpenAI, Anthropic, Mistral, Cohere, Hugging Face's hosted inference)
     * {@link #API}; any other named provider (aws, google, azure...) {@link #CLOUD}, since a named provider is someone
     * else's hardware. A run or comparison overrides it by naming its ownership.
     */
    public static Ownership defaultFor(String provider) {
        if (provider == null || provider.isBlank()) {
            return OWNED;
        }
        String name = provider.trim().toLowerCase(Locale.ROOT);
        if (SERVING_STACKS.contains(name)) {
            return OWNED;
        }
        return API_PROVIDERS.contains(name) ? API : CLOUD;
    }

    /** The ownership given, else the provider's default ({@link #defaultFor}). */
    public static Ownership resolve(String given, String provider) {
        return given == null || given.isBlank() ? defaultFor(provider) : parse(given);
    }

    /** The ownership named {@code name} (case-insensitive); an error naming the allowed values otherwise. */
    public static Ownership parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("ownership must be one of " + allowed() + ", got " + name, e);
        }
    }

    /** How records write an ownership: its name in lower case; a text that names none is returned as it is. */
    public static String canonical(String text) {
        if (text == null) {
            return null;
        }
        try {
            return parse(text).name().toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return text; // the checks name it
        }
    }

    public static String allowed() {
        return Arrays.stream(values()).map(o -> o.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }
}
