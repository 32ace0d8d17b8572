package io.carbonllm.payback.core.ledger;

import io.carbonllm.payback.core.definition.TrainingRuns;
import io.carbonllm.payback.core.evidence.FactorRows;
import io.carbonllm.payback.events.ChargedRun;
import io.carbonllm.payback.events.FactorRow;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.footprint.Footprint;
import io.carbonllm.payback.methodology.footprint.FootprintCalculator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * A candidate's one-off footprint, charged run by run. Each run is priced once, with the factors in effect at its own
 * time as known when it is first charged: a factor published later for a past date does not re-price it. A corrected
 * run (a new version under the same id) is priced again. Restating history belongs to the disclosure export.
 */
public final class Charges {

    private Charges() {
    }

    /** The footprint of the runs charged to a candidate, as the ledger uses it. */
    public record Charged(Map<String, ChargedRun> runs, Amounts footprint, EvidenceTier tier, boolean marketFallback,
                          List<FactorRow> factorRows, List<String> missing, List<String> invalid) {

        public boolean incomplete() {
            return !missing.isEmpty() || !invalid.isEmpty();
        }
    }

    /**
     * The runs {@code runIds} charged: those already priced at this version are kept as priced, the others are priced
     * now with {@code calculator}. A run {@code lookup} does not find is missing; one that fails validation is invalid.
     */
    public static Charged charge(Map<String, ChargedRun> charged, List<String> runIds,
                                 Function<String, TrainingRun> lookup, FootprintCalculator calculator) {
        Map<String, ChargedRun> runs = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        Amounts total = Amounts.ZERO;
        EvidenceTier tier = null;
        boolean fallback = false;
        List<List<FactorRow>> rows = new ArrayList<>();
        for (String runId : runIds) {
            TrainingRun run = lookup.apply(runId);
            if (run == null) {
                missing.add(runId);
                continue;
            }
            String fingerprint = fingerprint(run);
            ChargedRun priced = charged.get(runId);
            if (priced == null || !priced.getFingerprint().equals(fingerprint)) {
                try {
                    priced = price(fingerprint, calculator.of(TrainingRuns.toOneOffRun(run)));
                } catch (IllegalArgumentException e) {
                    invalid.add(runId);
                    continue;
                }
            }
            runs.put(runId, priced);
            total = total.plus(new Amounts(priced.getKwh() * 1000.0, priced.getKgCo2eLocation() * 1000.0,
                    priced.getKgCo2eMarket() * 1000.0));
            EvidenceTier runTier = EvidenceTier.valueOf(priced.getTier());
            tier = tier == null ? runTier : tier.weakest(runTier);
            fallback |= priced.getMarketFallback();
            rows.add(priced.getFactorRows());
        }
        return new Charged(runs, total, tier, fallback, FactorRows.distinct(rows), missing, invalid);
    }

    static ChargedRun price(String fingerprint, Footprint footprint) {
        List<FactorRow> rows = new ArrayList<>();
        footprint.factorRows().forEach(row -> rows.add(FactorRows.toAvro(row, null)));
        return ChargedRun.newBuilder()
                .setFingerprint(fingerprint)
                .setKwh(footprint.kwh())
                .setKgCo2eLocation(footprint.kgCo2eLocation())
                .setKgCo2eMarket(footprint.kgCo2eMarket())
                .setTier(footprint.tier().name())
                .setMarketFallback(footprint.marketFallback())
                .setFactorRows(rows)
                .setSources(footprint.sources())
                .build();
    }

    /**
     * Identifies a version of a run: any change to the record is a correction. A digest of its Avro binary encoding,
     * which (unlike its text form) is fixed by the schema, not by a library version.
     */
    public static String fingerprint(TrainingRun run) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
            new SpecificDatumWriter<>(TrainingRun.class).write(run, encoder);
            encoder.flush();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode training run " + run.getRunId(), e);
        }
    }
}
