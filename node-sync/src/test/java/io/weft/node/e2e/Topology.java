package io.weft.node.e2e;

import io.weft.etcd.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A small data centre built from network namespaces, all traffic staying inside them:
 * <pre>
 *   switch ns: bridge br0 ── ctl ns: eth0 10.99.0.254/24, fd99::254/64 (etcd, allocator-server)
 *                        ├── host1 ns: eth0 10.99.0.1/24, fd99::1/64 ── cni0 bridge ── pod1 ns: eth0
 *                        ├── host2 ns ...
 * </pre>
 * Names carry a random tag so runs never collide; {@link #close()} deletes every namespace.
 */
final class Topology implements AutoCloseable {

    static final String CONTROL_IP = "10.99.0.254";
    static final String CONTROL_IP6 = "fd99::254";

    final String tag = Integer.toString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff), 16);
    final String switchNs = "wsw-" + tag;
    final String controlNs = "wctl-" + tag;
    private final List<String> namespaces = new ArrayList<>();

    Topology() {
        addNamespace(switchNs);
        Shell.inNetns(switchNs, "ip", "link", "add", "br0", "type", "bridge");
        Shell.inNetns(switchNs, "ip", "link", "set", "br0", "up");
        Shell.inNetns(switchNs, "ip", "link", "set", "lo", "up");
        attach(controlNs, CONTROL_IP, CONTROL_IP6);
    }

    /** The namespace of host n (1-based). */
    String host(int n) {
        return "wh" + n + "-" + tag;
    }

    /** The namespace of host n's pod. */
    String pod(int n) {
        return "wp" + n + "-" + tag;
    }

    static String hostIp(int n) {
        return "10.99.0." + n;
    }

    static String hostIp6(int n) {
        return "fd99::" + Integer.toHexString(n);
    }

    /** Adds host n with eth0 on the switch, forwarding on and reverse-path filtering off. */
    void addHost(int n) {
        String host = host(n);
        attach(host, hostIp(n), hostIp6(n));
        Shell.inNetns(host, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        Shell.inNetns(host, "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
        Shell.inNetns(host, "sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=0");
        Shell.inNetns(host, "sysctl", "-q", "-w", "net.ipv4.conf.default.rp_filter=0");
    }

    /**
     * Adds host n's pod the way the CNI bridge plugin would: a cni0 bridge in the host holding the
     * subnet's first address, a veth into the pod holding the second, default route via cni0.
     */
    void addPod(int n, String gatewayCidr, String podCidr, String gateway6Cidr, String pod6Cidr) {
        addPod(n, pod(n), "cni0", gatewayCidr, podCidr, gateway6Cidr, pod6Cidr);
    }

    /** The namespace of host n's pod on a second network (its own bridge, cni1). */
    String secondPod(int n) {
        return "wq" + n + "-" + tag;
    }

    /** As {@link #addPod(int, String, String, String, String)}, for a pod of another network: namespace and bridge given. */
    void addPod(
            int n,
            String pod,
            String bridge,
            String gatewayCidr,
            String podCidr,
            String gateway6Cidr,
            String pod6Cidr) {
        String host = host(n);
        String veth = "veth-" + bridge + "-" + n;
        addNamespace(pod);
        Shell.inNetns(host, "ip", "link", "add", bridge, "type", "bridge");
        Shell.inNetns(host, "ip", "addr", "add", gatewayCidr, "dev", bridge);
        Shell.inNetns(host, "ip", "link", "set", bridge, "up");
        Shell.inNetns(host, "ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", pod);
        Shell.inNetns(host, "ip", "link", "set", veth, "master", bridge, "up");
        Shell.inNetns(pod, "ip", "link", "set", "lo", "up");
        Shell.inNetns(pod, "ip", "addr", "add", podCidr, "dev", "eth0");
        Shell.inNetns(pod, "ip", "link", "set", "eth0", "up");
        Shell.inNetns(pod, "ip", "route", "add", "default", "via", gatewayCidr.substring(0, gatewayCidr.indexOf('/')));
        if (gateway6Cidr != null) {
            Shell.inNetns(pod, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0");
            Shell.inNetns(host, "ip", "addr", "add", gateway6Cidr, "dev", bridge, "nodad");
            Shell.inNetns(pod, "ip", "addr", "add", pod6Cidr, "dev", "eth0", "nodad");
            Shell.inNetns(
                    pod,
                    "ip",
                    "-6",
                    "route",
                    "add",
                    "default",
                    "via",
                    gateway6Cidr.substring(0, gateway6Cidr.indexOf('/')));
        }
    }

    /** True when one ping from the pod reaches the address. */
    boolean ping(String fromNs, String address) {
        return Shell.tryInNetns(fromNs, "ping", "-c", "1", "-W", "1", address).exitCode() == 0;
    }

    private void attach(String ns, String ip, String ip6) {
        addNamespace(ns);
        String port = "p-" + ns;
        port = port.length() > 15 ? port.substring(0, 15) : port;
        Shell.run("ip", "link", "add", port, "netns", switchNs, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Shell.inNetns(switchNs, "ip", "link", "set", port, "master", "br0", "up");
        Shell.inNetns(ns, "ip", "link", "set", "lo", "up");
        Shell.inNetns(ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0");
        Shell.inNetns(ns, "ip", "addr", "add", ip + "/24", "dev", "eth0");
        Shell.inNetns(ns, "ip", "addr", "add", ip6 + "/64", "dev", "eth0", "nodad");
        Shell.inNetns(ns, "ip", "link", "set", "eth0", "up");
    }

    private void addNamespace(String ns) {
        Shell.run("ip", "netns", "add", ns);
        namespaces.add(ns);
    }

    @Override
    public void close() {
        for (String ns : namespaces.reversed()) {
            Shell.tryRun("ip", "netns", "pids", ns)
                    .output()
                    .lines()
                    .filter(pid -> !pid.isBlank())
                    .forEach(pid -> killQuietly(Long.parseLong(pid.strip())));
            Shell.tryRun("ip", "netns", "del", ns);
        }
    }

    /** SIGKILL; a process that is gone already is what was wanted. */
    private static void killQuietly(long pid) {
        try {
            Signal.KILL.sendTo(pid);
        } catch (IllegalStateException gone) {
            // exited meanwhile
        }
    }
}
