package io.carbonllm.payback.cli;

import io.carbonllm.payback.core.definition.Basis;
import io.carbonllm.payback.core.disclosure.Ownership;
import io.carbonllm.payback.methodology.footprint.MeteredScope;
import io.carbonllm.payback.methodology.footprint.RunKind;
import io.carbonllm.payback.streams.dlq.DeadLetterStage;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Picocli converters for the flags whose values are a domain enum: any case, {@code -} for {@code _}
 * ({@code co2e-location} is {@code CO2E_LOCATION}). A wrong value is a usage error (exit code 2) that picocli
 * prefixes with the flag, followed by the allowed values as the help writes them.
 */
final class EnumOptions {

    private EnumOptions() {
    }

    /** How the help and the errors write a value: {@code CO2E_LOCATION} as {@code co2e-location}. */
    static String display(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static <E extends Enum<E>> String allowed(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(EnumOptions::display).collect(Collectors.joining(", "));
    }

    static <E extends Enum<E>> E parse(Class<E> type, String value) {
        String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        throw new TypeConversionException("must be one of " + allowed(type) + " (any case), got '" + value + "'");
    }

    /** The converter for one enum; picocli instantiates the subclasses below by their no-argument constructors. */
    abstract static class Converter<E extends Enum<E>> implements ITypeConverter<E> {

        private final Class<E> type;

        Converter(Class<E> type) {
            this.type = type;
        }

        @Override
        public E convert(String value) {
            return parse(type, value);
        }
    }

    static final class RunKinds extends Converter<RunKind> {
        RunKinds() {
            super(RunKind.class);
        }
    }

    static final class MeteredScopes extends Converter<MeteredScope> {
        MeteredScopes() {
            super(MeteredScope.class);
        }
    }

    static final class Bases extends Converter<Basis> {
        Bases() {
            super(Basis.class);
        }
    }

    static final class Ownerships extends Converter<Ownership> {
        Ownerships() {
            super(Ownership.class);
        }
    }

    static final class Stages extends Converter<DeadLetterStage> {
        Stages() {
            super(DeadLetterStage.class);
        }
    }
}
