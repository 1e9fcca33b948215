package dev.jinn.natives;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class NativeBlasTest {
    @Test
    void theBinaryOfThisPlatformIsOnTheClassPathAndLoads() {
        assertThat(NativeBlas.bundledPlatform()).isEqualTo(NativeBlas.runningPlatform());
        assertThat(NativeBlas.loaded()).isTrue();
        assertThatCode(NativeBlas::require).doesNotThrowAnyException();
    }

    @Test
    void aLoadedBackendHasNoProblem() {
        assertThat(NativeBlas.problem("linux-x86_64", "macosx-arm64", "openblas", null)).isEmpty();
    }

    @Test
    void aPlatformMismatchNamesBothPlatformsAndTheFix() {
        assertThat(NativeBlas.problem("linux-x86_64", "macosx-arm64", "java", null)).hasValue(
                "jinn-native: the OpenBLAS binary on the class path is for linux-x86_64, but this JVM runs on "
                        + "macosx-arm64; resolve jinn-native on this platform or build with "
                        + "-Djinn.native.platform=macosx-arm64");
    }

    @Test
    void theJavaSwitchIsNamedAsTheReason() {
        assertThat(NativeBlas.problem("linux-x86_64", "linux-x86_64", "java", " Java"))
                .hasValueSatisfying(m -> assertThat(m).contains("-Djinn.blas= Java"));
    }

    @Test
    void aLibraryThatDidNotLoadPointsAtTheLoadersError() {
        assertThat(NativeBlas.problem("linux-arm64", "linux-arm64", "java", null))
                .hasValueSatisfying(m -> assertThat(m).contains("did not load").contains("-Djinn.blas=native"));
    }
}
