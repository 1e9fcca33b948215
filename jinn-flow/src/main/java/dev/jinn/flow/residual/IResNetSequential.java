package dev.jinn.flow.residual;

import dev.jinn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * iResNetLab's {@code Sequential}: a chain of {@link IResNetModule}s. Forward passes {@code (y, logP, logDet)}
 * from one module to the next, so both terms accumulate; inverse runs the modules' inverses in reverse order.
 * Children are named {@code 0, 1, ...}.
 */
public final class IResNetSequential extends IResNetModule {
    private final List<IResNetModule> modules = new ArrayList<>();

    /**
     * A chain of the given modules.
     *
     * @param chain the modules, applied first to last
     */
    public IResNetSequential(IResNetModule... chain) {
        for (IResNetModule m : chain) {
            if (m == null) {
                throw new IllegalArgumentException("IResNet.sequential: module " + modules.size() + " is null");
            }
            registerModule(Integer.toString(modules.size()), m);
            modules.add(m);
        }
    }

    /**
     * One module of the chain.
     *
     * @param index 0-based
     * @return the module
     */
    public IResNetModule get(int index) {
        if (index < 0 || index >= modules.size()) {
            throw new IndexOutOfBoundsException("IResNet.sequential: index " + index + " out of range for "
                    + modules.size() + " modules");
        }
        return modules.get(index);
    }

    /**
     * The number of modules.
     *
     * @return the length of the chain
     */
    public int size() {
        return modules.size();
    }

    @Override
    public IResNetResult forward(Tensor x, Tensor logP0, Tensor logDet0) {
        IResNetResult r = new IResNetResult(x, logP0, logDet0);
        for (IResNetModule m : modules) {
            r = m.forward(r.y(), r.logP(), r.logDet());
        }
        return r;
    }

    @Override
    public Tensor inverse(Tensor y) {
        Tensor x = y;
        for (int i = modules.size() - 1; i >= 0; i--) {
            x = modules.get(i).inverse(x);
        }
        return x;
    }

    /** Forces the Lipschitz bound of every residual block in the chain (nested chains included). */
    public void lipschitzCorrection() {
        for (IResNetModule m : modules) {
            if (m instanceof ResidualBlock block) {
                block.lipschitzCorrection();
            } else if (m instanceof IResNetSequential chain) {
                chain.lipschitzCorrection();
            }
        }
    }
}
