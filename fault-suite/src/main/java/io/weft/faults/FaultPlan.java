package io.weft.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The order of faults, from a seed: rounds in which every kind occurs once, each round shuffled.
 * So any prefix of whole rounds injects every kind equally often, and a seed replays the order.
 */
final class FaultPlan {

    private final Random random;
    private final List<Fault> round = new ArrayList<>();
    private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);

    FaultPlan(Random random) {
        this.random = random;
        for (Fault fault : Fault.values()) {
            injected.put(fault, 0);
        }
    }

    Fault next() {
        if (round.isEmpty()) {
            round.addAll(List.of(Fault.values()));
            Collections.shuffle(round, random);
        }
        Fault fault = round.removeFirst();
        injected.merge(fault, 1, Integer::sum);
        return fault;
    }

    /** Whether the current round is finished: every kind has been injected equally often. */
    boolean atRoundEnd() {
        return round.isEmpty();
    }

    /** How often each kind has been handed out, in declaration order. */
    Map<Fault, Integer> injected() {
        return Collections.unmodifiableMap(new EnumMap<>(injected));
    }

    int total() {
        return injected.values().stream().mapToInt(Integer::intValue).sum();
    }
}
