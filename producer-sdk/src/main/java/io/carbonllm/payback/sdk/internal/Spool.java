package io.carbonllm.payback.sdk.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker's on-disk spool: where the sender puts records while the broker is away, in order, and replays them from
 * once it is back. Records are stored as Avro binary with their writer schema (no registry needed to spool), in
 * append-only segment files {@code segment-<n>.spool}; {@code segment-<n>.pos} holds how far Kafka has acknowledged a
 * segment, so a tracker started on the same directory replays only the rest. One tracker per directory (a lock file).
 *
 * <p>An entry is {@code [int length][int crc32][body]}; a body is a schema ({@code 1, int index, json}) or a record
 * ({@code 2, int schema index, topic, key, recorded-at millis, Avro bytes}). A torn entry at the end of the last segment
 * (the process died while writing it) is cut off at start-up.
 *
 * <p>Used by the sender thread (and by {@code close} once it has stopped); {@link Handed#acknowledge()} is called from
 * the producer's callbacks.
 */
public final class Spool implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(Spool.class);
    private static final Pattern SEGMENT = Pattern.compile("segment-(\\d{20})\\.spool");
    private static final byte SCHEMA_ENTRY = 1;
    private static final byte RECORD_ENTRY = 2;
    private static final int ENTRY_HEADER = 8;
    private static final long POSITION_EVERY_NANOS = 200_000_000L;

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final Counters counters;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final Deque<Handed> handed = new ArrayDeque<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(1024);
    private final ByteArrayOutputStream avro = new ByteArrayOutputStream(1024);
    private final Map<Schema, SpecificDatumWriter<SpecificRecord>> datumWriters = new IdentityHashMap<>();
    private final CRC32 crc = new CRC32();
    private BinaryEncoder encoder;
    private long totalBytes;
    private long unread;
    private Segment writing;
    private Segment reading;
    private long lastPositionWriteNanos;
    private boolean uncommitted;

    private Spool(Path dir, long maxBytes, long segmentBytes, Counters counters, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.counters = counters;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens the spool in {@code dir} (created if missing), taking its lock and finding what an earlier tracker left.
     *
     * @throws IllegalStateException naming the directory when it cannot be used: another tracker holds it, or it is
     *                               not writable
     */
    public static Spool open(Path dir, long maxBytes, long segmentBytes, Counters counters) {
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve("spool.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IllegalStateException("spool directory " + dir + " is in use by another tracker (its "
                        + "spool.lock is held): give each tracker its own spoolDirectory");
            }
            Spool spool = new Spool(dir, maxBytes, segmentBytes, counters, channel, lock);
            spool.recover();
            return spool;
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new IllegalStateException("spool directory " + dir + " is in use by another tracker in this "
                    + "process: give each tracker its own spoolDirectory", e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IllegalStateException("spool directory " + dir + " cannot be used: " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private void recover() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.toList();
        }
        for (Path file : files) {
            Matcher m = SEGMENT.matcher(file.getFileName().toString());
            if (m.matches()) {
                long seq = Long.parseLong(m.group(1));
                segments.put(seq, new Segment(seq, file, dir.resolve(positionName(seq))));
            }
        }
        long recoveredRecords = 0;
        for (Segment segment : List.copyOf(segments.values())) {
            segment.acked = readPosition(segment);
            segment.readFrom = segment.acked;
            recoveredRecords += segment.scan(segment == segments.lastEntry().getValue());
            totalBytes += segment.size;
            if (segment.readFrom >= segment.size) {
                delete(segment);
                counters.onSpoolRecovered(0, segment.size);
            }
        }
        unread = recoveredRecords;
        if (recoveredRecords > 0) {
            log.info("Payback tracker spool {}: {} records from an earlier run to deliver", dir, recoveredRecords);
        }
        counters.onSpoolRecovered(recoveredRecords, totalBytes);
    }

    private static long readPosition(Segment segment) throws IOException {
        if (!Files.exists(segment.positionFile)) {
            return 0;
        }
        byte[] bytes = Files.readAllBytes(segment.positionFile);
        if (bytes.length != Long.BYTES) {
            log.warn("Ignoring {}: {} bytes, not 8; the segment is replayed from its start", segment.positionFile,
                    bytes.length);
            return 0;
        }
        return ByteBuffer.wrap(bytes).getLong();
    }

    /** Records written and not yet handed back by {@link #next()}. */
    public synchronized boolean hasUnread() {
        return unread > 0;
    }

    /** Records handed out by {@link #next()} whose acknowledgement has not been committed yet. */
    public synchronized int unacknowledged() {
        return handed.size();
    }

    /** Nothing unread, nothing waiting for Kafka's acknowledgement, no file left to delete. */
    public synchronized boolean isEmpty() {
        return unread == 0 && handed.isEmpty() && segments.isEmpty();
    }

    /**
     * Appends {@code record}; false if the spool is full (it is not written). {@link #flush()} makes it readable.
     */
    public synchronized boolean append(Outgoing record, long recordedAtMillis) {
        try {
            Schema schema = record.value().getSchema();
            if (writing == null || writing.size >= segmentBytes) {
                roll();
            }
            Integer index = writing.schemaIndex.get(schema);
            byte[] schemaEntry = null;
            if (index == null) {
                index = writing.schemaIndex.size();
                schemaEntry = entry(schemaBody(index, schema));
            }
            byte[] recordEntry = entry(recordBody(index, record, recordedAtMillis));
            long needed = recordEntry.length + (schemaEntry == null ? 0 : schemaEntry.length);
            if (totalBytes + needed > maxBytes) {
                return false;
            }
            if (schemaEntry != null) {
                writing.append(schemaEntry);
                writing.schemaIndex.put(schema, index);
                writing.schemas.put(index, schema);
            }
            writing.append(recordEntry);
            totalBytes += needed;
            unread++;
            counters.onSpooled(needed);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the spool in " + dir, e);
        }
    }

    /** Hands what was appended to the operating system (it survives the process, not the machine). */
    public synchronized void flush() {
        if (writing != null) {
            try {
                writing.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write to the spool in " + dir, e);
            }
        }
    }

    /** The oldest record not yet handed back, or null when there is none. */
    public synchronized Handed next() {
        flush();
        try {
            while (unread > 0) {
                if (reading == null) {
                    reading = segments.firstEntry().getValue();
                    reading.openForReading();
                }
                Handed next = reading.readRecord();
                if (next != null) {
                    unread--;
                    handed.addLast(next);
                    return next;
                }
                Map.Entry<Long, Segment> later = segments.higherEntry(reading.seq);
                if (later == null) {
                    throw new IllegalStateException("spool " + dir + ": " + unread + " records counted unread, none found");
                }
                reading.closeReader();
                reading = later.getValue();
                reading.openForReading();
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spool in " + dir, e);
        }
    }

    /**
     * Records how far each segment is acknowledged (at most every 200 ms unless {@code force}) and deletes the segments
     * that are read and acknowledged to their end.
     */
    public synchronized void commit(boolean force) {
        while (!handed.isEmpty() && handed.peekFirst().acknowledged) {
            Handed h = handed.pollFirst();
            h.segment.acked = h.end;
            uncommitted = true;
        }
        long now = System.nanoTime();
        if (!force && (!uncommitted || now - lastPositionWriteNanos < POSITION_EVERY_NANOS)) {
            return;
        }
        lastPositionWriteNanos = now;
        uncommitted = false;
        try {
            List<Segment> done = new ArrayList<>();
            for (Segment segment : segments.values()) {
                // fully read (a writing segment caught up: the next append starts a new one) and acknowledged
                if (segment.readFrom >= segment.size && segment.acked >= segment.size) {
                    done.add(segment);
                } else if (segment.acked > segment.savedAck) {
                    writePosition(segment);
                }
            }
            for (Segment segment : done) {
                delete(segment);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the spool in " + dir, e);
        }
    }

    private void delete(Segment segment) throws IOException {
        segment.closeReader();
        segment.closeWriter();
        if (segment == writing) {
            writing = null;
        }
        if (segment == reading) {
            reading = null;
        }
        segments.remove(segment.seq);
        Files.deleteIfExists(segment.positionFile);
        Files.deleteIfExists(segment.file);
        totalBytes -= segment.size;
        counters.onSpoolFreed(segment.size);
    }

    private void writePosition(Segment segment) throws IOException {
        Path tmp = dir.resolve(segment.positionFile.getFileName() + ".tmp");
        Files.write(tmp, ByteBuffer.allocate(Long.BYTES).putLong(segment.acked).array());
        Files.move(tmp, segment.positionFile, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        segment.savedAck = segment.acked;
    }

    /** Bytes the spool's segment files take. */
    public synchronized long bytes() {
        return totalBytes;
    }

    /** Records the positions, closes the files and releases the directory; what is left is replayed next start. */
    @Override
    public synchronized void close() {
        try {
            commit(true);
            for (Segment segment : segments.values()) {
                if (segment.acked > segment.savedAck) {
                    writePosition(segment);
                }
                segment.closeReader();
                segment.closeWriter();
            }
        } catch (IOException e) {
            log.warn("Could not record the spool positions in {}: its records may be sent again next start", dir, e);
        } finally {
            try {
                lock.release();
            } catch (IOException e) {
                log.debug("Releasing the spool lock", e);
            }
            closeQuietly(lockChannel);
        }
    }

    private void roll() throws IOException {
        if (writing != null) {
            writing.closeWriter();
        }
        long seq = segments.isEmpty() ? 0 : segments.lastKey() + 1;
        Segment segment = new Segment(seq, dir.resolve(String.format("segment-%020d.spool", seq)),
                dir.resolve(positionName(seq)));
        segment.openForWriting();
        segments.put(seq, segment);
        writing = segment;
    }

    private static String positionName(long seq) {
        return String.format("segment-%020d.pos", seq);
    }

    private byte[] schemaBody(int index, Schema schema) throws IOException {
        body.reset();
        DataOutputStream out = new DataOutputStream(body);
        out.writeByte(SCHEMA_ENTRY);
        out.writeInt(index);
        byte[] json = schema.toString().getBytes(StandardCharsets.UTF_8);
        out.writeInt(json.length);
        out.write(json);
        return body.toByteArray();
    }

    private byte[] recordBody(int index, Outgoing record, long recordedAtMillis) throws IOException {
        avro.reset();
        encoder = EncoderFactory.get().directBinaryEncoder(avro, encoder);
        datumWriters.computeIfAbsent(record.value().getSchema(), SpecificDatumWriter::new).write(record.value(), encoder);
        encoder.flush();
        body.reset();
        DataOutputStream out = new DataOutputStream(body);
        out.writeByte(RECORD_ENTRY);
        out.writeInt(index);
        out.writeUTF(record.topic());
        out.writeBoolean(record.key() != null);
        if (record.key() != null) {
            out.writeUTF(record.key());
        }
        out.writeLong(recordedAtMillis);
        out.writeInt(avro.size());
        avro.writeTo(out);
        return body.toByteArray();
    }

    private byte[] entry(byte[] entryBody) {
        crc.reset();
        crc.update(entryBody);
        return ByteBuffer.allocate(ENTRY_HEADER + entryBody.length).putInt(entryBody.length).putInt((int) crc.getValue())
                .put(entryBody).array();
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                log.debug("Closing {}", c, e);
            }
        }
    }

    /** One record read back from the spool and handed to the producer; acknowledged from its callback. */
    public static final class Handed {
        private final Segment segment;
        private final long start;
        private final long end;
        private final Outgoing record;
        private final long recordedAtMillis;
        private volatile boolean acknowledged;

        private Handed(Segment segment, long start, long end, Outgoing record, long recordedAtMillis) {
            this.segment = segment;
            this.start = start;
            this.end = end;
            this.record = record;
            this.recordedAtMillis = recordedAtMillis;
        }

        public Outgoing record() {
            return record;
        }

        /** When {@code record} was called, wall clock. */
        public long recordedAtMillis() {
            return recordedAtMillis;
        }

        /** Kafka has it, or it is dropped for good: either way it is done with the spool. */
        public void acknowledge() {
            acknowledged = true;
        }
    }

    /** One segment file; the reader and writer positions are the sender's. */
    private final class Segment {
        final long seq;
        final Path file;
        final Path positionFile;
        final Map<Schema, Integer> schemaIndex = new HashMap<>();
        final Map<Integer, Schema> schemas = new HashMap<>();
        long size;
        long acked;
        long savedAck;
        long readFrom;
        private FileChannel writer;
        private ByteBuffer writeBuffer;
        private FileChannel reader;
        private final ByteBuffer header = ByteBuffer.allocate(ENTRY_HEADER);

        Segment(long seq, Path file, Path positionFile) {
            this.seq = seq;
            this.file = file;
            this.positionFile = positionFile;
        }

        void openForWriting() throws IOException {
            writer = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            writeBuffer = ByteBuffer.allocate(64 * 1024);
            size = writer.size();
        }

        void append(byte[] entry) throws IOException {
            if (entry.length > writeBuffer.remaining()) {
                flush();
            }
            if (entry.length > writeBuffer.remaining()) {
                writeFully(ByteBuffer.wrap(entry));
            } else {
                writeBuffer.put(entry);
            }
            size += entry.length;
        }

        void flush() throws IOException {
            if (writer != null && writeBuffer.position() > 0) {
                writeBuffer.flip();
                writeFully(writeBuffer);
                writeBuffer.clear();
            }
        }

        private void writeFully(ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                writer.write(buffer);
            }
        }

        void closeWriter() throws IOException {
            if (writer != null) {
                flush();
                writer.close();
                writer = null;
            }
        }

        void openForReading() throws IOException {
            if (reader == null) {
                reader = FileChannel.open(file, StandardOpenOption.READ);
            }
            if (readFrom > 0 && schemas.isEmpty()) {
                // the schemas this segment's records name sit before where reading resumes
                long pos = 0;
                while (pos < readFrom) {
                    byte[] entryBody = readEntry(pos);
                    if (entryBody == null) {
                        break;
                    }
                    if (entryBody[0] == SCHEMA_ENTRY) {
                        addSchema(entryBody);
                    }
                    pos += ENTRY_HEADER + entryBody.length;
                }
            }
        }

        void closeReader() throws IOException {
            if (reader != null) {
                reader.close();
                reader = null;
            }
        }

        /** The next record from {@code readFrom}, learning the schemas on the way; null at the end of what is written. */
        Handed readRecord() throws IOException {
            while (readFrom < size) {
                long start = readFrom;
                byte[] entryBody = readEntry(start);
                if (entryBody == null) {
                    throw new IOException(file + ": entry at byte " + start + " is damaged");
                }
                readFrom = start + ENTRY_HEADER + entryBody.length;
                if (entryBody[0] == SCHEMA_ENTRY) {
                    addSchema(entryBody);
                    continue;
                }
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(entryBody, 1,
                        entryBody.length - 1));
                Schema writerSchema = schemas.get(in.readInt());
                String topic = in.readUTF();
                String key = in.readBoolean() ? in.readUTF() : null;
                long recordedAt = in.readLong();
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                SpecificRecord value = decode(writerSchema, bytes);
                // the latency the tracker reports runs from record(), across the outage (and a restart)
                long recordedNanos = System.nanoTime() - Math.max(0, System.currentTimeMillis() - recordedAt) * 1_000_000L;
                return new Handed(this, start, readFrom, new Outgoing(topic, key, value, recordedNanos), recordedAt);
            }
            return null;
        }

        private void addSchema(byte[] entryBody) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(entryBody, 1,
                    entryBody.length - 1));
            int index = in.readInt();
            byte[] json = new byte[in.readInt()];
            in.readFully(json);
            schemas.put(index, new Schema.Parser().parse(new String(json, StandardCharsets.UTF_8)));
        }

        /** The body of the entry at {@code pos}, or null if it is incomplete or its checksum is wrong. */
        private byte[] readEntry(long pos) throws IOException {
            FileChannel channel = reader != null ? reader : writer;
            header.clear();
            if (readAt(channel, header, pos) < ENTRY_HEADER) {
                return null;
            }
            header.flip();
            int length = header.getInt();
            int checksum = header.getInt();
            if (length < 1 || pos + ENTRY_HEADER + length > channel.size()) {
                return null;
            }
            ByteBuffer entryBody = ByteBuffer.allocate(length);
            if (readAt(channel, entryBody, pos + ENTRY_HEADER) < length) {
                return null;
            }
            crc.reset();
            crc.update(entryBody.array());
            return (int) crc.getValue() == checksum ? entryBody.array() : null;
        }

        private int readAt(FileChannel channel, ByteBuffer buffer, long pos) throws IOException {
            int total = 0;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, pos + total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        }

        /**
         * Counts the records after the acknowledged position; a damaged entry cuts the segment there (the last segment:
         * a torn write; any other: damage, logged).
         */
        long scan(boolean last) throws IOException {
            reader = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                size = reader.size();
                long pos = 0;
                long records = 0;
                while (pos < size) {
                    byte[] entryBody = readEntry(pos);
                    if (entryBody == null) {
                        log.warn("Spool segment {} is damaged at byte {} of {}{}: cutting it there", file, pos, size,
                                last ? " (a write cut short when the process stopped)" : "");
                        reader.truncate(pos);
                        size = pos;
                        break;
                    }
                    if (entryBody[0] == RECORD_ENTRY && pos >= readFrom) {
                        records++;
                    }
                    pos += ENTRY_HEADER + entryBody.length;
                }
                if (readFrom > size) {
                    readFrom = size;
                    acked = size;
                }
                savedAck = acked;
                return records;
            } finally {
                closeReader();
            }
        }

        private SpecificRecord decode(Schema writerSchema, byte[] bytes) throws IOException {
            if (writerSchema == null) {
                throw new IOException(file + ": a record names a schema the segment does not hold");
            }
            SpecificData model = SpecificData.getForSchema(writerSchema);
            Class<?> type = model.getClass(writerSchema);
            if (type == null) {
                throw new IOException(file + ": no class for " + writerSchema.getFullName() + " in this tracker");
            }
            Schema readerSchema = model.getSchema(type);
            SpecificDatumReader<SpecificRecord> datumReader = new SpecificDatumReader<>(writerSchema, readerSchema, model);
            return datumReader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        }
    }
}
