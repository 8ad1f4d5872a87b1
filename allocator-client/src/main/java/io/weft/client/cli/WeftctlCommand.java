package io.weft.client.cli;

import io.weft.client.Backoff;
import io.weft.client.ClientTls;
import io.weft.client.RetryPolicy;
import io.weft.client.ServerAddress;
import io.weft.client.WeftClient;
import io.weft.launcher.BuildInfo;
import io.weft.launcher.DurationConverter;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The root {@code weftctl} command: the global options; its commands are in {@link WeftctlCommands}. */
@Command(
        name = "weftctl",
        mixinStandardHelpOptions = true,
        versionProvider = BuildInfo.VersionProvider.class,
        description = "Reads and changes the weft allocator's network config, leases and reservations.",
        footer = {"", "Exit codes: 0 success, 1 the server refused or could not be reached, 2 bad usage."})
public final class WeftctlCommand {

    @Option(
            names = "--server",
            scope = ScopeType.INHERIT,
            split = ",",
            paramLabel = "HOST:PORT",
            defaultValue = "${env:WEFT_SERVER:-127.0.0.1:" + ServerAddress.DEFAULT_PORT + "}",
            description = "Allocator servers to try, in order (env WEFT_SERVER; default ${DEFAULT-VALUE}).")
    private List<ServerAddress> servers;

    @Option(
            names = "--timeout",
            scope = ScopeType.INHERIT,
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Deadline of each call to a server, e.g. 10s, 1m30s, 500ms, or plain seconds "
                    + "(default ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Option(
            names = "--tls-ca",
            scope = ScopeType.INHERIT,
            paramLabel = "FILE",
            defaultValue = "${env:WEFT_TLS_CA}",
            description = "Connect over TLS, verifying the server with this CA (PEM; env WEFT_TLS_CA).")
    private Path tlsCa;

    @Option(
            names = "--tls-cert",
            scope = ScopeType.INHERIT,
            paramLabel = "FILE",
            defaultValue = "${env:WEFT_TLS_CERT}",
            description = "Client certificate (PEM) for servers that require one; its CN is who you are "
                    + "(env WEFT_TLS_CERT).")
    private Path tlsCert;

    @Option(
            names = "--tls-key",
            scope = ScopeType.INHERIT,
            paramLabel = "FILE",
            defaultValue = "${env:WEFT_TLS_KEY}",
            description = "The private key of --tls-cert (PKCS#8 PEM; env WEFT_TLS_KEY).")
    private Path tlsKey;

    @Spec
    private CommandSpec spec;

    private final InputStream stdin;

    public WeftctlCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    /** The root command of the command line that {@code spec} belongs to. */
    static WeftctlCommand of(CommandSpec spec) {
        return (WeftctlCommand) spec.root().userObject();
    }

    /**
     * A client of the {@code --server} addresses. A few quick retries move past a server that is
     * down; a person is waiting, so they stop after about a second per address.
     */
    WeftClient connect() {
        int attempts = Math.max(3, 2 * servers.size());
        Backoff backoff = new Backoff(Duration.ofMillis(100), 2.0, Duration.ofMillis(500), 0.2);
        WeftClient.Builder builder = WeftClient.builder();
        if (tlsCa != null || tlsCert != null || tlsKey != null) {
            try {
                builder.tls(new ClientTls(tlsCa, tlsCert, tlsKey));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(
                        spec.commandLine(),
                        e.getMessage()
                                .replace(
                                        "a TLS client certificate and its key go together",
                                        "--tls-cert and --tls-key go together"));
            }
        }
        return builder.addresses(servers)
                .deadline(deadline())
                .retryPolicy(new RetryPolicy(attempts, backoff))
                .build();
    }

    private Duration deadline() {
        if (timeout.isZero()) {
            throw new ParameterException(spec.commandLine(), "--timeout must be more than 0, e.g. 10s");
        }
        return timeout;
    }

    InputStream stdin() {
        return stdin;
    }
}
