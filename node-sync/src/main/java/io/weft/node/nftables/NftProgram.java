package io.weft.node.nftables;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@link Nftables} through the {@code nft} program, forked per call. That is cheap enough here:
 * weft calls it once per reconcile interval and per lease change, never per peer.
 */
public final class NftProgram implements Nftables {

    private static final long TIMEOUT_SECONDS = 30;

    private final List<String> program;

    /** The {@code nft} found on PATH. */
    public NftProgram() {
        this(List.of("nft"));
    }

    /** nft run by this command line (tests: {@code ip netns exec NS nft}). */
    public NftProgram(List<String> program) {
        this.program = List.copyOf(program);
    }

    @Override
    public Optional<String> list(boolean handles, String object) {
        List<String> command = new ArrayList<>(program);
        if (handles) {
            command.add("-a");
        }
        command.add("list");
        command.addAll(Arrays.asList(object.split(" ")));
        Result result = run(command, "");
        if (result.exit == 0) {
            return Optional.of(result.out);
        }
        if (result.err.contains("No such file or directory")) {
            return Optional.empty();
        }
        throw new NftablesException("nft list " + object + ": " + result.firstError());
    }

    @Override
    public void apply(String text) {
        Result result = run(with("-f", "-"), text);
        if (result.exit != 0) {
            throw new NftablesException("nft refused the ruleset: " + result.firstError());
        }
    }

    @Override
    public void check(String text) {
        Result result = run(with("-c", "-f", "-"), text);
        if (result.exit != 0) {
            throw new NftablesException("nft refused the ruleset: " + result.firstError());
        }
    }

    private List<String> with(String... arguments) {
        List<String> command = new ArrayList<>(program);
        command.addAll(List.of(arguments));
        return command;
    }

    private record Result(int exit, String out, String err) {
        String firstError() {
            return err.lines()
                    .filter(line -> line.contains("Error"))
                    .findFirst()
                    .or(() -> err.lines().findFirst())
                    .orElse("exit code " + exit)
                    .strip();
        }
    }

    private Result run(List<String> command, String input) {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new NftablesException(
                    "cannot run " + String.join(" ", program) + " (install the nftables package): " + e.getMessage(),
                    e);
        }
        try {
            try (OutputStream in = process.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            // Listings and errors are small: reading one stream after the other cannot block nft.
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new NftablesException("nft did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), out, err);
        } catch (IOException e) {
            process.destroyForcibly();
            throw new NftablesException("nft: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new NftablesException("nft interrupted", e);
        }
    }
}
