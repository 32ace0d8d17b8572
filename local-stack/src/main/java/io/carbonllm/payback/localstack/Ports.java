package io.carbonllm.payback.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port checks, so that a port in use fails fast with a message naming the port and the flag that changes it. */
public final class Ports {

    private Ports() {
    }

    /**
     * Throws {@link LocalStackException} if {@code port} on 127.0.0.1 cannot be bound.
     *
     * @param what what wanted the port, e.g. "Kafka broker"
     * @param flag the command-line flag that changes it, e.g. "--kafka-port"
     */
    public static void requireFree(int port, String what, String flag) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as the servers do, so TIME_WAIT leftovers of a previous run do not count
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new LocalStackException("Port " + port + " on 127.0.0.1 is already in use, so the " + what
                    + " cannot start. Stop whatever holds it, or choose another port with " + flag + ".", e);
        }
    }

    /** Whether {@code port} on 127.0.0.1 can be bound right now. */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port that was free a moment ago, for tests. */
    public static int findFree() {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new LocalStackException("Cannot find a free port on 127.0.0.1", e);
        }
    }
}
