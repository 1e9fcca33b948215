package dev.jinn.cli.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.tensor.Rng;
import dev.jinn.train.Batch;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DigitsTest {
    @Test
    void theBundledSetHas1797ImagesOfTenClasses() {
        Digits d = Digits.load();
        assertThat(d.size()).isEqualTo(1797);
        int[] perClass = new int[10];
        for (int i = 0; i < d.size(); i++) {
            perClass[d.label(i)]++;
            for (double v : d.image(i)) {
                assertThat(v).isBetween(0.0, 16.0);
                assertThat(v).isEqualTo(Math.rint(v));
            }
        }
        // Every class has between 174 and 183 images in this data set.
        assertThat(Arrays.stream(perClass).min().getAsInt()).isGreaterThanOrEqualTo(174);
        assertThat(Arrays.stream(perClass).max().getAsInt()).isLessThanOrEqualTo(183);
        assertThat(Digits.columns()).hasSize(64).startsWith("p00", "p01").endsWith("p77");
    }

    @Test
    void trainingDataIsDequantisedStandardisedAndOneHot() {
        TrainingData t = TrainingData.digits();
        assertThat(t.validation().size()).isEqualTo(359);
        assertThat(t.validation().conditions().get(0).sum(1).toFloatArray()).containsOnly(1f);
        Batch b = t.source().next(512, new Rng(1));
        assertThat(b.x().shape()).containsExactly(512, 64);
        assertThat(b.conditions().get(0).shape()).containsExactly(512, 10);
        // Standardised: roughly zero mean and unit variance over all pixels.
        assertThat(b.x().mean().item()).isCloseTo(0, within(0.1));
        assertThat(b.x().square().mean().item()).isCloseTo(1, within(0.1));
        // Back in data units the dequantised values round down to the original integers 0..16.
        for (double[] row : t.transform().fromModel(b.x())) {
            for (double v : row) {
                assertThat(v).isBetween(0.0, 16.0).isEqualTo(Math.rint(v));
            }
        }
        assertThat(t.source().next(8, new Rng(5)).x().toFloatArray())
                .isEqualTo(t.source().next(8, new Rng(5)).x().toFloatArray());
    }
}
