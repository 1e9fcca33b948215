package dev.jinn.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void arraysHaveTheRequestedPrecisionAndAtLeastTheRequestedLength() {
        // the thread's cached set may hold arrays from earlier users; one taken while it is out is fresh
        try (Scratch cached = Scratch.take(); Scratch s = Scratch.take()) {
            assertThat(s.array(Scratch.Slot.COLUMNS, true, 10)).isInstanceOf(float[].class);
            assertThat((double[]) s.array(Scratch.Slot.COLUMNS, false, 12)).hasSizeGreaterThanOrEqualTo(12);
            Object small = s.array(Scratch.Slot.SIDE, true, 5);
            // a larger request grows the slot; a smaller one reuses it
            assertThat((float[]) s.array(Scratch.Slot.SIDE, true, 50)).hasSizeGreaterThanOrEqualTo(50);
            Object grown = s.array(Scratch.Slot.SIDE, true, 50);
            assertThat(grown).isNotSameAs(small).isSameAs(s.array(Scratch.Slot.SIDE, true, 20));
        }
    }

    @Test
    void slotsAreDistinctAndASetIsReusedOnlyAfterItIsHandedBack() {
        Object first;
        try (Scratch s = Scratch.take()) {
            first = s.array(Scratch.Slot.COLUMNS, true, 100);
            assertThat(s.array(Scratch.Slot.PART, true, 100)).isNotSameAs(first);
            // a nested user on the same thread must not get the arrays in use
            try (Scratch nested = Scratch.take()) {
                assertThat(nested).isNotSameAs(s);
                assertThat(nested.array(Scratch.Slot.COLUMNS, true, 100)).isNotSameAs(first);
            }
        }
        try (Scratch again = Scratch.take()) {
            // the outer set was handed back last (soft references are not cleared at this size)
            assertThat(again.array(Scratch.Slot.COLUMNS, true, 100)).isSameAs(first);
        }
    }
}
