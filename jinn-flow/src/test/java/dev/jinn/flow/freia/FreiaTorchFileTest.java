package dev.jinn.flow.freia;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.SequenceINN;
import dev.jinn.io.TorchFiles;
import dev.jinn.tensor.DType;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A FrEIA state dict saved with {@code torch.save} loads straight into the equivalent jinn model and reproduces
 * FrEIA's numbers to 1e-12 in float64. The {@code .pt} files hold the state dict of the FrEIA-written
 * {@code allinone_sequence} fixture ({@code jinn-core/scripts/torch_fixtures.py}): {@code _state.pt} as
 * {@code torch.save(inn.state_dict())} writes it (zip format), {@code _checkpoint.pt} as a checkpoint dict
 * {@code {"epoch", "model_state_dict", ...}} in the legacy format.
 */
class FreiaTorchFileTest {
    @ParameterizedTest
    @ValueSource(strings = {"allinone_sequence_state.pt", "allinone_sequence_checkpoint.pt"})
    void torchSavedFreiaStateDictReproducesFreia(String name) throws Exception {
        FreiaFixture f = FreiaFixture.load("allinone_sequence");
        Path pt = resource(name);
        assertThat(TorchFiles.readStateDict(pt, null).keySet()).containsExactlyInAnyOrderElementsOf(f.state().keySet());
        SequenceINN inn = FreiaModels.sequence(f.architecture());
        inn.to(DType.FLOAT64);
        inn.load(pt);
        try (var g = Grad.disabled()) {
            FlowResult fwd = inn.forward(f.inputs().get(0), f.conditions());
            FreiaCheckpointTest.assertClose(name + " forward output", fwd.output(), f.outputs().get(0));
            FreiaCheckpointTest.assertClose(name + " forward log-det", fwd.logDet(), f.logDet());
            FlowResult rev = inn.inverse(f.outputs().get(0), f.conditions());
            FreiaCheckpointTest.assertClose(name + " reverse output", rev.output(), f.reverseOutputs().get(0));
            FreiaCheckpointTest.assertClose(name + " reverse log-det", rev.logDet(), f.reverseLogDet());
        }
    }

    private static Path resource(String name) throws URISyntaxException {
        var url = FreiaTorchFileTest.class.getResource("/freia/" + name);
        assertThat(url).as("/freia/" + name + " on the test class path").isNotNull();
        return Path.of(url.toURI());
    }
}
