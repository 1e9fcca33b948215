package dev.jinn.optim;

/**
 * Independent float64 implementations of the update rules, element by element in plain Java arithmetic,
 * written from PyTorch's documented single-tensor algorithms (not from the code under test).
 */
final class Reference {
    private Reference() {
    }

    /** SGD with momentum, dampening, Nesterov, weight decay and maximize for one parameter. */
    static final class Sgd {
        final double lr;
        final double momentum;
        final double dampening;
        final double weightDecay;
        final boolean nesterov;
        final boolean maximize;
        double[] buf;

        Sgd(double lr, double momentum, double dampening, double weightDecay, boolean nesterov, boolean maximize) {
            this.lr = lr;
            this.momentum = momentum;
            this.dampening = dampening;
            this.weightDecay = weightDecay;
            this.nesterov = nesterov;
            this.maximize = maximize;
        }

        void step(double[] p, double[] grad) {
            boolean first = buf == null;
            if (first && momentum != 0) {
                buf = new double[p.length];
            }
            for (int i = 0; i < p.length; i++) {
                double d = maximize ? -grad[i] : grad[i];
                if (weightDecay != 0) {
                    d = d + weightDecay * p[i];
                }
                if (momentum != 0) {
                    buf[i] = first ? d : momentum * buf[i] + (1 - dampening) * d;
                    d = nesterov ? d + momentum * buf[i] : buf[i];
                }
                p[i] = p[i] + (-lr) * d;
            }
        }
    }

    /** Adam / AdamW for one parameter, with PyTorch's operation order (lerp, eps after the bias correction). */
    static final class Adam {
        final double lr;
        final double beta1;
        final double beta2;
        final double eps;
        final double weightDecay;
        final boolean amsgrad;
        final boolean decoupled;
        final boolean maximize;
        int t;
        double[] m;
        double[] v;
        double[] vmax;

        Adam(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
                boolean decoupled, boolean maximize) {
            this.lr = lr;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
            this.weightDecay = weightDecay;
            this.amsgrad = amsgrad;
            this.decoupled = decoupled;
            this.maximize = maximize;
        }

        void step(double[] p, double[] grad) {
            if (m == null) {
                m = new double[p.length];
                v = new double[p.length];
                vmax = new double[p.length];
            }
            t++;
            double bc1 = 1 - Math.pow(beta1, t);
            double bc2 = 1 - Math.pow(beta2, t);
            for (int i = 0; i < p.length; i++) {
                double g = maximize ? -grad[i] : grad[i];
                if (weightDecay != 0) {
                    if (decoupled) {
                        p[i] = p[i] * (1 - lr * weightDecay);
                    } else {
                        g = g + weightDecay * p[i];
                    }
                }
                double w = 1 - beta1;
                m[i] = Math.abs(w) < 0.5 ? m[i] + w * (g - m[i]) : g - (g - m[i]) * (1 - w);
                v[i] = v[i] * beta2 + (1 - beta2) * g * g;
                double second = v[i];
                if (amsgrad) {
                    vmax[i] = Math.max(vmax[i], v[i]);
                    second = vmax[i];
                }
                double denom = Math.sqrt(second) / Math.sqrt(bc2) + eps;
                double stepSize = lr / bc1;
                p[i] = p[i] + (-stepSize * m[i]) / denom;
            }
        }
    }
}
