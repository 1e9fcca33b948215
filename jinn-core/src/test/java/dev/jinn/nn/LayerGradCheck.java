package dev.jinn.nn;

import dev.jinn.autograd.GradCheck;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gradient checks of a whole layer: the input and every parameter are perturbed by finite differences in
 * float64, the parameters being swapped into the modules that own them for each evaluation.
 */
final class LayerGradCheck {
    private LayerGradCheck() {
    }

    /**
     * Converts the layer to float64 and checks d forward(x) / d (x, every parameter).
     *
     * @param layer the layer (converted in place)
     * @param x     the input (converted to float64, requires a gradient)
     */
    static void check(Layer layer, Tensor x) {
        layer.to(DType.FLOAT64);
        Map<String, Module> modules = layer.namedModules();
        Map<String, Tensor> params = layer.namedParameters();
        List<String> names = new ArrayList<>(params.keySet());
        Tensor[] inputs = new Tensor[names.size() + 1];
        inputs[0] = x.detach().to(DType.FLOAT64).requiresGrad(true);
        for (int i = 0; i < names.size(); i++) {
            inputs[i + 1] = params.get(names.get(i));
        }
        try {
            GradCheck.check(args -> {
                for (int i = 0; i < names.size(); i++) {
                    set(modules, names.get(i), args[i + 1]);
                }
                return layer.forward(args[0]);
            }, inputs);
        } finally {
            for (int i = 0; i < names.size(); i++) {
                set(modules, names.get(i), inputs[i + 1]);
            }
        }
    }

    private static void set(Map<String, Module> modules, String qualified, Tensor value) {
        int dot = qualified.lastIndexOf('.');
        Module owner = modules.get(dot < 0 ? "" : qualified.substring(0, dot));
        owner.setParameter(qualified.substring(dot + 1), value);
    }
}
