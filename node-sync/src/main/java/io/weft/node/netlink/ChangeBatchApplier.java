package io.weft.node.netlink;

import io.weft.node.dataplane.ChangeFailure;
import io.weft.node.dataplane.DataplaneException;
import io.weft.node.dataplane.KernelChange;
import io.weft.node.dataplane.KernelChange.FdbDelete;
import io.weft.node.dataplane.KernelChange.FdbReplace;
import io.weft.node.dataplane.KernelChange.NeighbourDelete;
import io.weft.node.dataplane.KernelChange.NeighbourReplace;
import io.weft.node.dataplane.KernelChange.RouteDelete;
import io.weft.node.dataplane.KernelChange.RouteReplace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Applies many {@link KernelChange}s with few system calls: the requests are packed back to back
 * into sends of up to 64 KiB, each with NLM_F_ACK and its own sequence number; the kernel
 * processes a whole send before returning and queues one acknowledgement per request, which
 * are read up to 256 per recvmmsg and matched back to their change by sequence number.
 *
 * <p>A batch never holds more requests than the socket's receive buffer has room for acks
 * (an ack the buffer cannot take is dropped by the kernel). Deletes of objects that are already
 * gone (ENOENT, ESRCH, ENODEV) succeed. Not thread-safe.
 */
final class ChangeBatchApplier {

    static final int MAX_BATCH_BYTES = 64 << 10;
    /** Upper bound of one encoded change; the batch is sent before it could overflow. */
    private static final int MAX_REQUEST_BYTES = 256;
    /**
     * Receive-buffer bytes one queued ack costs, generously: the kernel counts whole socket
     * buffers, measured at 832 bytes for a success on Linux 6.18 (more with error text).
     */
    private static final int ACK_BUFFER_COST = 2048;

    private static final List<Errno> GONE = List.of(Errno.ENOENT, Errno.ESRCH, Errno.ENODEV);

    private final NetlinkSocket socket;
    private final Function<String, Optional<Integer>> deviceIndex;
    private final int maxRequests;

    /** @param deviceIndex a device's interface index by name; asked once per name per apply */
    ChangeBatchApplier(NetlinkSocket socket, Function<String, Optional<Integer>> deviceIndex) {
        this.socket = socket;
        this.deviceIndex = deviceIndex;
        this.maxRequests = Math.max(16, socket.receiveBufferBytes() / ACK_BUFFER_COST);
    }

    List<ChangeFailure> apply(List<KernelChange> changes) {
        Map<String, Optional<Integer>> indexes = new HashMap<>();
        List<ChangeFailure> failures = new ArrayList<>();
        NetlinkMessageWriter writer = new NetlinkMessageWriter();
        Map<Integer, KernelChange> pending = new LinkedHashMap<>();
        for (KernelChange change : changes) {
            String device = device(change);
            Optional<Integer> index = indexes.computeIfAbsent(device, deviceIndex);
            if (index.isEmpty()) {
                if (!isDelete(change)) {
                    failures.add(new ChangeFailure(
                            change, describe(change) + ": Cannot find device \"" + device + "\" (ENODEV)"));
                }
                continue; // a delete on a missing device: the object went with the device
            }
            int sequence = socket.nextSequence();
            encode(writer, sequence, change, index.get());
            pending.put(sequence, change);
            if (writer.size() > MAX_BATCH_BYTES - MAX_REQUEST_BYTES || pending.size() >= maxRequests) {
                sendAndCollect(writer, pending, failures);
                writer = new NetlinkMessageWriter();
                pending = new LinkedHashMap<>();
            }
        }
        if (!pending.isEmpty()) {
            sendAndCollect(writer, pending, failures);
        }
        return failures;
    }

    private void sendAndCollect(
            NetlinkMessageWriter writer, Map<Integer, KernelChange> pending, List<ChangeFailure> failures) {
        try {
            socket.send(writer.toByteArray());
        } catch (DataplaneException e) {
            // Nothing of this batch reached the kernel; the next batch still gets its chance.
            pending.values()
                    .forEach(change ->
                            failures.add(new ChangeFailure(change, describe(change) + ": " + e.getMessage())));
            pending.clear();
            return;
        }
        boolean lost = false;
        while (!pending.isEmpty()) {
            List<NetlinkMessage> acks;
            try {
                // After an overrun, take what is still queued without waiting for what was dropped.
                acks = socket.receiveMany(!lost);
            } catch (DataplaneException e) {
                if (e.errno() != Errno.ENOBUFS.value()) {
                    throw e;
                }
                lost = true;
                continue;
            }
            if (acks.isEmpty()) {
                String why = lost
                        ? "the kernel dropped its acknowledgement, state unknown (ENOBUFS)"
                        : "the kernel did not answer in time (ETIMEDOUT)";
                pending.values()
                        .forEach(change -> failures.add(new ChangeFailure(change, describe(change) + ": " + why)));
                pending.clear();
                return;
            }
            for (NetlinkMessage message : acks) {
                KernelChange change = message.isError() ? pending.remove(message.sequence()) : null;
                if (change == null) {
                    continue; // an answer to an earlier request that gave up waiting
                }
                NetlinkAck ack = NetlinkAck.parse(message);
                if (!ack.succeeded() && !(isDelete(change) && GONE.stream().anyMatch(e -> e.value() == ack.errno()))) {
                    failures.add(new ChangeFailure(change, describe(change) + ": " + ack.reason()));
                }
            }
        }
    }

    private static void encode(NetlinkMessageWriter writer, int sequence, KernelChange change, int index) {
        switch (change) {
            case RouteReplace(var route) -> RouteMessages.replace(writer, sequence, route, index);
            case RouteDelete(var route) -> RouteMessages.delete(writer, sequence, route, index);
            case NeighbourReplace(var neighbour) -> NeighbourMessages.replace(writer, sequence, neighbour, index);
            case NeighbourDelete(var neighbour) ->
                NeighbourMessages.delete(writer, sequence, neighbour.address(), index);
            case FdbReplace(var entry) -> FdbMessages.replace(writer, sequence, entry, index);
            case FdbDelete(var entry) -> FdbMessages.delete(writer, sequence, entry.mac(), index);
        }
    }

    /** The device whose index the request needs. */
    private static String device(KernelChange change) {
        return switch (change) {
            case RouteReplace(var route) -> route.device();
            case RouteDelete(var route) -> route.device();
            case NeighbourReplace(var neighbour) -> neighbour.device();
            case NeighbourDelete(var neighbour) -> neighbour.device();
            case FdbReplace(var entry) -> entry.device();
            case FdbDelete(var entry) -> entry.device();
        };
    }

    private static boolean isDelete(KernelChange change) {
        return change instanceof RouteDelete || change instanceof NeighbourDelete || change instanceof FdbDelete;
    }

    /** The ip/bridge command the change amounts to, e.g. "route replace 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink". */
    static String describe(KernelChange change) {
        return switch (change) {
            case RouteReplace(var route) -> RouteMessages.describe("replace", route);
            case RouteDelete(var route) -> RouteMessages.describe("del", route);
            case NeighbourReplace(var neighbour) -> NeighbourMessages.describe("replace", neighbour);
            case NeighbourDelete(var neighbour) -> NeighbourMessages.describe("del", neighbour);
            case FdbReplace(var entry) -> FdbMessages.describe("replace", entry);
            case FdbDelete(var entry) -> FdbMessages.describe("del", entry);
        };
    }
}
