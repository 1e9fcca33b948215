package dev.jinn.flow.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.flow.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness passes a correct module and fails a broken one (a harness that cannot fail is worthless). */
class FlowConformanceTest {
    @Test
    void passesACorrectModule() {
        FlowConformance.of("ScaleShift", (in, c) -> new ScaleShift(in, c, false), List.of(Shape.of(3)), List.of())
                .run();
        FlowConformance.of("ScaleShift image cond", (in, c) -> new ScaleShift(in, c, false),
                List.of(Shape.of(2, 3, 3)), List.of(Shape.of(4))).run();
    }

    @Test
    void failsAWrongReverseLogDet() {
        assertThatThrownBy(() -> FlowConformance.of("broken", (in, c) -> new ScaleShift(in, c, true),
                List.of(Shape.of(3)), List.of()).run())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("logdet_fwd + logdet_rev");
    }
}
