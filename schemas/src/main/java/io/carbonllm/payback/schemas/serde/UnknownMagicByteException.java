package io.carbonllm.payback.schemas.serde;

/** The first byte is not the Confluent wire format's magic byte 0: the record was not written by a registry serde. */
public final class UnknownMagicByteException extends WireFormatException {

    private final int magicByte;

    public UnknownMagicByteException(String topic, int magicByte) {
        super("Unknown magic byte 0x" + String.format("%02x", magicByte & 0xff) + " in a record on topic '" + topic
                + "': expected 0x00 (Confluent wire format: magic byte, 4-byte schema id, Avro binary)");
        this.magicByte = magicByte & 0xff;
    }

    public int magicByte() {
        return magicByte;
    }
}
