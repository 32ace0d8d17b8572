package io.carbonllm.payback.sdk.internal;

import io.carbonllm.payback.sdk.DropCause;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * The tracker's on-disk spool, a write-ahead log: the sender writes every record here and sends from here, oldest
 * first. Records are stored as Avro binary with their writer schema (no registry needed to spool), in append-only
 * segment files {@code segment-<n>.spool}. Beside each: {@code segment-<n>.pos}, how far Kafka has acknowledged it
 * without a gap (saved at most every 200 ms, and at close), and, written at close, {@code segment-<n>.acked}, the
 * records acknowledged beyond that gap (acknowledgements come back out of order across partitions). A tracker started
 * on the same directory sends the rest: after a close, nothing twice; after a crash, what was acknowledged in the last
 * 200 ms or out of order, again (at least once). One tracker per directory (a lock file).
 *
 * <p>An entry is {@code [int length][int crc32][body]}; a body is a schema ({@code 1, int index, json}) or a record
 * ({@code 2, int schema index, topic, key, recorded-at millis, Avro bytes}). A damaged entry found at start-up (a
 * write cut short when the process died) cuts its segment there. A write that fails (disk full) loses only what it
 * was writing: those records are counted as {@link DropCause#SPOOL_FULL}, and the next record starts a new segment.
 *
 * <p>Used by the sender thread (and by {@code close} once it has stopped); {@link Handed#acknowledge()} is called from
 * the producer's callbacks.
 */
public final class Spool implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(Spool.class);
    private static final Pattern FILE = Pattern.compile("segment-(\\d{20})\\.(spool|pos|acked)");
    private static final byte SCHEMA_ENTRY = 1;
    private static final byte RECORD_ENTRY = 2;
    private static final int ENTRY_HEADER = 8;
    private static final long POSITION_EVERY_NANOS = 200_000_000L;
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;

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
    private boolean closed;
    private long lastWarnNanos = System.nanoTime() - WARN_EVERY_NANOS;

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
            try {
                spool.recover();
            } catch (IOException | RuntimeException e) {
                lock.release();
                throw e;
            }
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
            files = listing.sorted().toList();
        }
        for (Path file : files) {
            Matcher m = FILE.matcher(file.getFileName().toString());
            if (m.matches() && m.group(2).equals("spool")) {
                long seq = Long.parseLong(m.group(1));
                segments.put(seq, new Segment(seq));
            }
        }
        for (Path file : files) {
            Matcher m = FILE.matcher(file.getFileName().toString());
            if (m.matches() && !m.group(2).equals("spool") && !segments.containsKey(Long.parseLong(m.group(1)))) {
                // left by a deletion cut short: it would apply to a new segment of the same number
                Files.deleteIfExists(file);
            }
        }
        long recovered = 0;
        for (Segment segment : List.copyOf(segments.values())) {
            long position = readPosition(segment);
            segment.skip.addAll(readAcked(segment));
            recovered += segment.scan(position, segment == segments.lastEntry().getValue());
            totalBytes += segment.size;
            if (segment.unreadRecords == 0) {
                totalBytes -= segment.size;
                removeFiles(segment);
                segments.remove(segment.seq);
            }
        }
        unread = recovered;
        if (recovered > 0) {
            log.info("Payback tracker spool {}: {} records from an earlier run to deliver", dir, recovered);
        }
        counters.onSpoolRecovered(recovered, totalBytes);
    }

    private static long readPosition(Segment segment) throws IOException {
        if (!Files.exists(segment.positionFile)) {
            return 0;
        }
        byte[] bytes = Files.readAllBytes(segment.positionFile);
        if (bytes.length != Long.BYTES) {
            log.warn("Ignoring {}: {} bytes, not 8; the segment is sent again from its start", segment.positionFile,
                    bytes.length);
            return 0;
        }
        return ByteBuffer.wrap(bytes).getLong();
    }

    private static Set<Long> readAcked(Segment segment) throws IOException {
        if (!Files.exists(segment.ackedFile)) {
            return Set.of();
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment.ackedFile));
        Set<Long> starts = new HashSet<>();
        while (bytes.remaining() >= Long.BYTES) {
            starts.add(bytes.getLong());
        }
        return starts;
    }

    /** Records written and not yet handed back by {@link #next()}. */
    public synchronized boolean hasUnread() {
        return unread > 0;
    }

    /** Records handed out by {@link #next()} whose acknowledgement has not been committed yet. */
    public synchronized int unacknowledged() {
        return handed.size();
    }

    /**
     * Appends {@code record}; false if it is not written: the spool is full (after deleting what is acknowledged), it
     * cannot create a segment file, or it is closed. {@link #flush()} makes it readable.
     */
    public synchronized boolean append(Outgoing record, long recordedAtMillis) {
        if (closed) {
            return false;
        }
        try {
            Schema schema = record.value().getSchema();
            if (writing != null && writing.size >= segmentBytes) {
                flush(); // a failure here is counted there, and leaves no writing segment
            }
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
                commit(true); // what Kafka has acknowledged may free a segment
                if (totalBytes + needed > maxBytes) {
                    return false;
                }
                if (writing == null) {
                    return append(record, recordedAtMillis);
                }
            }
            if (schemaEntry != null) {
                writing.append(schemaEntry, false);
                writing.schemaIndex.put(schema, index);
                writing.schemas.put(index, schema);
            }
            writing.append(recordEntry, true);
            totalBytes += needed;
            unread++;
            counters.onSpooled(needed);
            return true;
        } catch (IOException e) {
            warn("cannot write to the spool in " + dir + " (" + e + ")", e);
            return false;
        }
    }

    /**
     * Hands what was appended to the operating system (it survives the process, not the machine). A write that fails
     * loses what it held: counted as {@link DropCause#SPOOL_FULL}, and the next append starts a new segment.
     */
    public synchronized void flush() {
        if (writing == null || closed) {
            return;
        }
        try {
            writing.flush();
        } catch (IOException e) {
            Segment broken = writing;
            long lostRecords = broken.bufferedRecords;
            long lostBytes = broken.size - broken.flushedSize;
            broken.discardBuffer();
            writing = null;
            totalBytes -= lostBytes;
            unread -= lostRecords;
            counters.onSpoolFreed(lostBytes);
            counters.onUnspooled(lostRecords);
            counters.onDropped(DropCause.SPOOL_FULL, lostRecords);
            warn("cannot write to " + broken.file + " (" + e + "): " + lostRecords + " events lost", e);
        }
    }

    /**
     * The oldest record not yet handed back, or null when there is none. A record that cannot be read back (damage
     * after start-up) ends its segment: the rest of it is counted as {@link DropCause#SPOOL_DAMAGED}.
     */
    public synchronized Handed next() {
        if (closed) {
            return null;
        }
        flush();
        while (unread > 0) {
            if (reading == null || reading.unreadRecords == 0) {
                reading = segments.values().stream().filter(seg -> seg.unreadRecords > 0).findFirst().orElse(null);
                if (reading == null) {
                    throw new IllegalStateException("spool " + dir + ": " + unread + " records counted unread, none found");
                }
            }
            try {
                Handed next = reading.readRecord();
                if (next != null) {
                    unread--;
                    handed.addLast(next);
                    return next;
                }
                if (reading.unreadRecords > 0) {
                    throw new IOException(reading.unreadRecords + " records counted, none left to read");
                }
            } catch (IOException e) {
                long lost = reading.unreadRecords;
                reading.unreadRecords = 0;
                reading.readFrom = reading.size;
                unread -= lost;
                counters.onUnspooled(lost);
                counters.onDropped(DropCause.SPOOL_DAMAGED, lost);
                handed.addLast(Handed.skipped(reading, reading.readFrom, reading.size));
                warn("cannot read " + reading.file + " back (" + e.getMessage() + "): " + lost + " events lost", e);
            }
        }
        return null;
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
            for (Segment segment : List.copyOf(segments.values())) {
                // fully read (a writing segment caught up: the next append starts a new one) and acknowledged; not one
                // just started, which has nothing in it yet
                if (segment.readFrom >= segment.size && segment.acked >= segment.size && segment.unreadRecords == 0
                        && (segment.size > 0 || segment != writing)) {
                    delete(segment);
                } else if (segment.acked > segment.savedAck) {
                    writePosition(segment);
                }
            }
        } catch (IOException e) {
            warn("cannot update the spool positions in " + dir + " (" + e + "); acknowledged events may be sent "
                    + "again after a restart", e);
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
        removeFiles(segment);
        totalBytes -= segment.size;
        counters.onSpoolFreed(segment.size);
    }

    /** The segment first: a stale position file must never apply to a later segment of the same number. */
    private static void removeFiles(Segment segment) throws IOException {
        Files.deleteIfExists(segment.file);
        Files.deleteIfExists(segment.positionFile);
        Files.deleteIfExists(segment.ackedFile);
    }

    private void writePosition(Segment segment) throws IOException {
        Path tmp = dir.resolve(segment.positionFile.getFileName() + ".tmp");
        Files.write(tmp, ByteBuffer.allocate(Long.BYTES).putLong(segment.acked).array());
        Files.move(tmp, segment.positionFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        segment.savedAck = segment.acked;
    }

    /**
     * Records the positions and, per segment, the records acknowledged beyond its position, so that the next tracker
     * on this directory sends exactly what Kafka has not acknowledged; closes the files and releases the directory.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            flush();
            commit(true);
            Map<Segment, Set<Long>> ackedBeyond = new HashMap<>();
            for (Handed h : handed) {
                if (h.acknowledged) {
                    ackedBeyond.computeIfAbsent(h.segment, seg -> new HashSet<>()).add(h.start);
                }
            }
            for (Segment segment : segments.values()) {
                Set<Long> starts = new TreeSet<>(ackedBeyond.getOrDefault(segment, Set.of()));
                segment.skip.stream().filter(start -> start >= segment.acked).forEach(starts::add);
                if (starts.isEmpty()) {
                    Files.deleteIfExists(segment.ackedFile);
                } else {
                    ByteBuffer bytes = ByteBuffer.allocate(starts.size() * Long.BYTES);
                    starts.forEach(bytes::putLong);
                    Path tmp = dir.resolve(segment.ackedFile.getFileName() + ".tmp");
                    Files.write(tmp, bytes.array());
                    Files.move(tmp, segment.ackedFile, StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                }
                if (segment.acked > segment.savedAck) {
                    writePosition(segment);
                }
                segment.closeReader();
                segment.closeWriter();
            }
        } catch (IOException e) {
            log.warn("Could not record the spool positions in {}: acknowledged events may be sent again next start",
                    dir, e);
        } finally {
            closed = true;
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
        Segment segment = new Segment(seq);
        segment.openForWriting();
        segments.put(seq, segment);
        writing = segment;
    }

    private void warn(String message, Exception e) {
        long now = System.nanoTime();
        if (now - lastWarnNanos >= WARN_EVERY_NANOS) {
            lastWarnNanos = now;
            log.warn("Payback tracker spool: {}", message, e);
        } else {
            log.debug("Payback tracker spool: {}", message, e);
        }
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

        /** Bytes the reader passed without a record to send (already acknowledged, or lost): done already. */
        private static Handed skipped(Segment segment, long start, long end) {
            Handed h = new Handed(segment, start, end, null, 0);
            h.acknowledged = true;
            return h;
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
        final Path ackedFile;
        final Map<Schema, Integer> schemaIndex = new HashMap<>();
        final Map<Integer, Schema> schemas = new HashMap<>();
        /** Starts of records acknowledged by an earlier tracker beyond its position: not sent again. */
        final Set<Long> skip = new HashSet<>();
        /** Bytes written, buffered ones included. */
        long size;
        /** Bytes on disk. */
        long flushedSize;
        long bufferedRecords;
        long unreadRecords;
        long acked;
        long savedAck;
        long readFrom;
        private FileChannel writer;
        private ByteBuffer writeBuffer;
        private FileChannel reader;
        private final ByteBuffer header = ByteBuffer.allocate(ENTRY_HEADER);

        Segment(long seq) {
            this.seq = seq;
            String stem = String.format("segment-%020d", seq);
            this.file = dir.resolve(stem + ".spool");
            this.positionFile = dir.resolve(stem + ".pos");
            this.ackedFile = dir.resolve(stem + ".acked");
        }

        void openForWriting() throws IOException {
            writer = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            writeBuffer = ByteBuffer.allocate(64 * 1024);
            size = writer.size();
            flushedSize = size;
        }

        void append(byte[] entry, boolean isRecord) throws IOException {
            if (entry.length > writeBuffer.remaining()) {
                flush();
            }
            if (entry.length > writeBuffer.capacity()) {
                writeBuffer = ByteBuffer.allocate(entry.length);
            }
            writeBuffer.put(entry);
            size += entry.length;
            if (isRecord) {
                bufferedRecords++;
                unreadRecords++;
            }
        }

        void flush() throws IOException {
            if (writer != null && writeBuffer.position() > 0) {
                writeBuffer.flip();
                while (writeBuffer.hasRemaining()) {
                    writer.write(writeBuffer);
                }
                writeBuffer.clear();
                flushedSize = size;
                bufferedRecords = 0;
            }
        }

        /** After a failed write: what was buffered is gone, and a partial write is cut off the file. */
        void discardBuffer() {
            unreadRecords -= bufferedRecords;
            bufferedRecords = 0;
            size = flushedSize;
            if (writeBuffer != null) {
                writeBuffer.clear();
            }
            try {
                writer.truncate(flushedSize);
            } catch (IOException e) {
                log.debug("Cutting {} back to {} bytes", file, flushedSize, e);
            }
            closeQuietly(writer);
            writer = null;
        }

        void closeWriter() throws IOException {
            if (writer != null) {
                flush();
                writer.close();
                writer = null;
            }
        }

        private void openReader() throws IOException {
            if (reader == null) {
                reader = FileChannel.open(file, StandardOpenOption.READ);
                // the schemas this segment's records name may sit before where reading resumes
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

        /**
         * The next record from {@code readFrom} to send, learning the schemas and passing the ones an earlier tracker
         * had acknowledged; null at the end of what is written.
         */
        Handed readRecord() throws IOException {
            openReader();
            while (readFrom < flushedSize) {
                long start = readFrom;
                byte[] entryBody = readEntry(start);
                if (entryBody == null) {
                    throw new IOException("the entry at byte " + start + " is damaged");
                }
                readFrom = start + ENTRY_HEADER + entryBody.length;
                if (entryBody[0] == SCHEMA_ENTRY) {
                    addSchema(entryBody);
                    continue;
                }
                if (skip.contains(start)) {
                    handed.addLast(Handed.skipped(this, start, readFrom));
                    continue;
                }
                unreadRecords--;
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(entryBody, 1, entryBody.length - 1));
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
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(entryBody, 1, entryBody.length - 1));
            int index = in.readInt();
            byte[] json = new byte[in.readInt()];
            in.readFully(json);
            schemas.put(index, new Schema.Parser().parse(new String(json, StandardCharsets.UTF_8)));
        }

        /** The body of the entry at {@code pos}, or null if it is incomplete or its checksum is wrong. */
        private byte[] readEntry(long pos) throws IOException {
            FileChannel channel = reader;
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
         * Walks the segment left by an earlier tracker: counts the records to send (after {@code position} and not
         * acknowledged out of order), puts a position that is not on an entry boundary back on the one before it, and
         * cuts a damaged entry off with what follows it (the last segment: a write cut short; any other: damage, and
         * the records after it, unreadable, are lost without a count: the warning names the byte where it cut).
         */
        long scan(long position, boolean last) throws IOException {
            reader = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                size = reader.size();
                long pos = 0;
                long boundary = 0;
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
                    if (pos <= position) {
                        boundary = pos;
                    }
                    if (entryBody[0] == RECORD_ENTRY && pos >= position && !skip.contains(pos)) {
                        records++;
                    }
                    pos += ENTRY_HEADER + entryBody.length;
                }
                if (position >= size) {
                    boundary = size;
                } else if (position != boundary) {
                    log.warn("{} says {}, not an entry boundary in {}: sending again from byte {}", positionFile,
                            position, file, boundary);
                    records = 0;
                    for (long p = boundary; p < size; ) {
                        byte[] entryBody = readEntry(p);
                        if (entryBody[0] == RECORD_ENTRY && !skip.contains(p)) {
                            records++;
                        }
                        p += ENTRY_HEADER + entryBody.length;
                    }
                }
                readFrom = boundary;
                acked = boundary;
                savedAck = boundary == position ? position : -1;
                flushedSize = size;
                unreadRecords = records;
                return records;
            } finally {
                closeReader();
            }
        }

        private SpecificRecord decode(Schema writerSchema, byte[] bytes) throws IOException {
            if (writerSchema == null) {
                throw new IOException("a record names a schema the segment does not hold");
            }
            SpecificData model = SpecificData.getForSchema(writerSchema);
            Class<?> type = model.getClass(writerSchema);
            if (type == null) {
                throw new IOException("no class for " + writerSchema.getFullName() + " in this tracker");
            }
            Schema readerSchema = model.getSchema(type);
            SpecificDatumReader<SpecificRecord> datumReader = new SpecificDatumReader<>(writerSchema, readerSchema, model);
            return datumReader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        }
    }
}
