package io.weft.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class FaultPlanTest {

    @Test
    void everyRoundHoldsEachKindOnce() {
        FaultPlan plan = new FaultPlan(new Random(7));
        for (int round = 0; round < 4; round++) {
            List<Fault> faults = new ArrayList<>();
            for (int i = 0; i < Fault.values().length; i++) {
                faults.add(plan.next());
            }
            assertThat(faults).containsExactlyInAnyOrder(Fault.values());
            assertThat(plan.atRoundEnd()).isTrue();
        }
        assertThat(plan.injected())
                .allSatisfy((fault, count) -> assertThat(count).isEqualTo(4));
        assertThat(plan.total()).isEqualTo(20);
    }

    @Test
    void aSeedReplaysTheSameOrderAndOtherSeedsShuffle() {
        assertThat(order(42)).isEqualTo(order(42));
        assertThat(List.of(order(1), order(2), order(3), order(4))).doesNotHaveDuplicates();
    }

    @Test
    void midRoundIsNotARoundEnd() {
        FaultPlan plan = new FaultPlan(new Random(1));
        plan.next();
        assertThat(plan.atRoundEnd()).isFalse();
    }

    private static List<Fault> order(long seed) {
        FaultPlan plan = new FaultPlan(new Random(seed));
        List<Fault> faults = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            faults.add(plan.next());
        }
        return faults;
    }
}
