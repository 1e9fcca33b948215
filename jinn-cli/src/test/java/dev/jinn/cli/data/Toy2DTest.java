package dev.jinn.cli.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class Toy2DTest {
    @ParameterizedTest
    @EnumSource(Toy2D.class)
    void samplesHaveTheRightShapeAreFiniteAndReproducible(Toy2D set) {
        Tensor a = set.sample(500, new Rng(3));
        Tensor b = set.sample(500, new Rng(3));
        Tensor c = set.sample(500, new Rng(4));
        assertThat(a.shape()).containsExactly(500, 2);
        assertThat(a.toFloatArray()).isEqualTo(b.toFloatArray());
        assertThat(a.toFloatArray()).isNotEqualTo(c.toFloatArray());
        for (float v : a.toFloatArray()) {
            assertThat(Float.isFinite(v)).isTrue();
            assertThat(Math.abs(v)).isLessThan(10f);
        }
        assertThat(Toy2D.byId(set.id())).isSameAs(set);
    }

    @Test
    void moonsLieOnTheirTwoHalfCirclesUpToTheNoise() {
        float[] v = Toy2D.MOONS.sample(2000, 0.0, new Rng(1)).toFloatArray();
        int upper = 0;
        for (int i = 0; i < 2000; i++) {
            double x = v[2 * i];
            double y = v[2 * i + 1];
            double outer = Math.hypot(x, y);
            double inner = Math.hypot(x - 1, y - 0.5);
            // Without noise each point is exactly on the unit circle around (0,0) or (1,0.5).
            assertThat(Math.min(Math.abs(outer - 1), Math.abs(inner - 1))).isLessThan(1e-5);
            upper += y >= 0 && Math.abs(outer - 1) < 1e-5 ? 1 : 0;
        }
        assertThat(upper / 2000.0).isCloseTo(0.5, within(0.05));
    }

    @Test
    void noiseHasTheRequestedSpread() {
        // Eight Gaussians: distance to the nearest centre has per-axis standard deviation = noise.
        float[] v = Toy2D.EIGHT_GAUSSIANS.sample(4000, 0.1, new Rng(2)).toFloatArray();
        double sq = 0;
        for (int i = 0; i < 4000; i++) {
            double angle = Math.round(Math.atan2(v[2 * i + 1], v[2 * i]) / (Math.PI / 4)) * Math.PI / 4;
            double dx = v[2 * i] - 2 * Math.cos(angle);
            double dy = v[2 * i + 1] - 2 * Math.sin(angle);
            sq += dx * dx + dy * dy;
        }
        assertThat(Math.sqrt(sq / 8000)).isCloseTo(0.1, within(0.005));
    }

    @Test
    void checkerboardFillsOnlyTheDarkSquares() {
        float[] v = Toy2D.CHECKERBOARD.sample(2000, new Rng(5)).toFloatArray();
        for (int i = 0; i < 2000; i++) {
            long cx = (long) Math.floor(v[2 * i]);
            long cy = (long) Math.floor(v[2 * i + 1]);
            assertThat(Math.floorMod(cx + cy, 2)).isZero();
        }
    }

    @Test
    void rejectsUnknownNamesAndBadArguments() {
        assertThatThrownBy(() -> Toy2D.byId("bananas")).hasMessageContaining("unknown data set 'bananas'")
                .hasMessageContaining("moons").hasMessageContaining("2spirals");
        assertThatThrownBy(() -> Toy2D.MOONS.sample(-1, new Rng(1))).hasMessageContaining("-1");
        assertThatThrownBy(() -> Toy2D.MOONS.sample(3, Double.NaN, new Rng(1))).hasMessageContaining("noise");
    }
}
