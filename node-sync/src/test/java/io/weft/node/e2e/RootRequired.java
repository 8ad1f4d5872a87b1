package io.weft.node.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The namespace tests need root and iproute2; elsewhere they skip with the reason. */
final class RootRequired {

    private RootRequired() {}

    static void check() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to build network namespaces");
        assumeTrue(Shell.tryRun("ip", "netns", "list").exitCode() == 0, "needs iproute2 with netns support");
        assumeTrue(Shell.tryRun("ping", "-V").exitCode() == 0, "needs ping (iputils-ping)");
    }
}
