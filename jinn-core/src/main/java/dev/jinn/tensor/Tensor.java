package dev.jinn.tensor;

import dev.jinn.autograd.BackwardFn;
import dev.jinn.autograd.Grad;
import dev.jinn.autograd.GradNode;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An n-dimensional array of {@link DType#FLOAT32} (default), {@link DType#FLOAT64}, {@link DType#INT64} or
 * {@link DType#BOOL} values, with define-by-run automatic differentiation.
 *
 * <p>Tensors are values: every operation returns a new tensor and leaves its operands unchanged. Views
 * ({@link #reshape}, {@link #transpose}, {@link #permute}, {@link #narrow}, {@link #slice}, {@link #expand},
 * ...) share storage with their source where that is possible without copying. Binary operations broadcast
 * under NumPy's rules. Operations on tensors that {@link #requiresGrad() require a gradient} record
 * themselves (unless inside {@link Grad#disabled()}), so {@link #backward()} and {@link Grad#grad} can compute
 * gradients; every backward rule is itself written with tensor operations, so gradients of gradients work.
 *
 * <p>Invalid arguments throw {@link IllegalArgumentException} with a message that names the operation and the
 * shapes or dims involved, e.g. {@code add: cannot broadcast [3, 4] with [5]}.
 *
 * <pre>{@code
 * Rng rng = new Rng(42);
 * Tensor w = Tensors.randn(rng, 2, 3).requiresGrad(true);
 * Tensor x = Tensors.of(new float[] {1, 2}, 1, 2);
 * Tensor loss = x.matmul(w).tanh().square().sum();
 * loss.backward();
 * Tensor dw = w.grad();
 * }</pre>
 */
public final class Tensor {
    /**
     * Storage: a {@code float[]}, {@code double[]}, {@code long[]} or {@code boolean[]}, shared by views. Read it
     * through {@link #data()}, which refuses a closed tensor.
     */
    private final Object storage;
    final DType dtype;
    final int[] shape;
    final int[] strides;
    final int offset;
    final int numel;
    final boolean contiguous;

    private boolean requiresGrad;
    GradNode gradFn;
    int outputIndex;
    private Tensor grad;
    /**
     * Set on a gradient that a backward rule made in fresh storage which nothing else references (see
     * {@link #adoptable}); a leaf receiving it as its first gradient keeps it instead of copying it.
     */
    private boolean adoptable;
    /** The leaf's gradient sink, made by the autograd package on first use (see {@link AutogradAccess}). */
    GradNode sink;
    /** The scope that closes this tensor, or null (see {@link TensorScope}). */
    TensorScope owner;
    /** The pooled storage this tensor (or the tensor it views) took in a scope, or null. */
    Lease lease;
    /** Set when {@link #owner} closed: the storage may be another tensor's by now. */
    private boolean closed;

    Tensor(Object data, DType dtype, int[] shape, int[] strides, int offset) {
        this.storage = data;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.numel = Shapes.numel(shape);
        this.contiguous = numel == 0 || isRowMajor(shape, strides);
        TensorScope scope = TensorScope.current();
        if (scope != null) {
            scope.add(this);
        }
    }

    /** A contiguous tensor over the given storage. */
    Tensor(Object data, DType dtype, int[] shape) {
        this(data, dtype, shape, Shapes.contiguousStrides(shape), 0);
    }

    /** A view of {@code base}'s storage (same dtype), which lives no longer than that storage's scope. */
    Tensor(Tensor base, int[] shape, int[] strides, int offset) {
        this.storage = base.data();
        this.dtype = base.dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.numel = Shapes.numel(shape);
        this.contiguous = numel == 0 || isRowMajor(shape, strides);
        this.lease = base.lease;
        TensorScope.addView(this);
    }

    /** A contiguous view of {@code base}'s storage from its element 0. */
    Tensor(Tensor base, int[] shape) {
        this(base, shape, Shapes.contiguousStrides(shape), 0);
    }

    /** The storage array; every kernel reaches it through here. */
    Object data() {
        requireOpen();
        return storage;
    }

    /** Throws when this tensor is closed (see {@link TensorScope}). */
    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("tensor of shape " + Shapes.str(shape) + " was created in a TensorScope"
                    + " that has closed (its storage may belong to another tensor now); keep() it in the scope,"
                    + " persist() it, or copy the values out (item(), toFloatArray()) before the scope closes");
        }
    }

    /**
     * Whether the scope this tensor was created in has closed; a closed tensor cannot be used any more.
     *
     * @return true when closed
     */
    public boolean isClosed() {
        return closed;
    }

    /** Closes this tensor when its scope closes, dropping its graph links so that nothing else stays reachable. */
    void revoke() {
        closed = true;
        owner = null;
        lease = null;
        grad = null;
        gradFn = null;
        sink = null;
    }

    /** The grad without checks, for {@link TensorScope}. */
    Tensor gradOrNull() {
        return grad;
    }

    /** A new zero-filled contiguous tensor (no autograd); in a scope its storage comes from the pool. */
    static Tensor empty(DType dtype, int[] shape) {
        return fresh(dtype, shape, true);
    }

    /**
     * A new contiguous tensor whose contents are unspecified (stale values of a recycled array, in a scope):
     * only for a caller that writes every element before anything reads one.
     */
    static Tensor uninitialized(DType dtype, int[] shape) {
        return fresh(dtype, shape, false);
    }

    private static Tensor fresh(DType dtype, int[] shape, boolean zero) {
        int n = Shapes.numel(shape);
        TensorScope scope = TensorScope.current();
        if (scope == null || !BufferPool.pools(dtype, n)) {
            return new Tensor(ElementAccess.allocate(dtype, n), dtype, shape);
        }
        Object array = zero ? BufferPool.zeroed(dtype, n) : BufferPool.array(dtype, n);
        Tensor t = new Tensor(array, dtype, shape);
        scope.lease(t, array);
        return t;
    }

    private static boolean isRowMajor(int[] shape, int[] strides) {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------
    // Properties and conversion

    /**
     * The shape (a copy).
     *
     * @return the sizes of all dims
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The size of one dim.
     *
     * @param dim the dim, negative counts from the end
     * @return its size
     */
    public int size(int dim) {
        return shape[Shapes.dim("size", dim, shape.length)];
    }

    /**
     * The strides in elements (a copy).
     *
     * @return the strides of all dims
     */
    public int[] strides() {
        return strides.clone();
    }

    /**
     * The number of dims.
     *
     * @return 0 for a scalar
     */
    public int dim() {
        return shape.length;
    }

    /**
     * The number of elements.
     *
     * @return the product of the sizes
     */
    public int numel() {
        return numel;
    }

    /**
     * The element type.
     *
     * @return the dtype
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * Whether the elements lie in row-major order without gaps.
     *
     * @return true when the tensor is contiguous
     */
    public boolean isContiguous() {
        return contiguous;
    }

    /**
     * The single value of a one-element tensor.
     *
     * @return the value as a double
     */
    public double item() {
        if (numel != 1) {
            throw new IllegalArgumentException("item: expected a tensor with one element, got shape "
                    + Shapes.str(shape));
        }
        return ElementAccess.read(data(), dtype, offset);
    }

    /**
     * The values in row-major order as floats (a copy).
     *
     * @return the values
     */
    public float[] toFloatArray() {
        return (float[]) to(DType.FLOAT32).contiguousData();
    }

    /**
     * The values in row-major order as doubles (a copy).
     *
     * @return the values
     */
    public double[] toDoubleArray() {
        return (double[]) to(DType.FLOAT64).contiguousData();
    }

    /**
     * The values in row-major order as longs (a copy; floating values are truncated toward zero).
     *
     * @return the values
     */
    public long[] toLongArray() {
        return (long[]) to(DType.INT64).contiguousData();
    }

    /**
     * The values in row-major order as booleans (a copy; nonzero is true).
     *
     * @return the values
     */
    public boolean[] toBooleanArray() {
        return (boolean[]) to(DType.BOOL).contiguousData();
    }

    /** A fresh row-major copy of the storage this tensor views. */
    private Object contiguousData() {
        Tensor c = ViewOps.copy(this);
        return c.data();
    }

    /**
     * This tensor converted to another element type. Conversions between floating-point types are
     * differentiable.
     *
     * @param target the element type
     * @return this tensor if it already has that type, otherwise a converted copy
     */
    public Tensor to(DType target) {
        return ViewOps.to(this, target);
    }

    /**
     * A contiguous tensor with the same values: this one when already contiguous, else a copy.
     *
     * @return a contiguous tensor
     */
    public Tensor contiguous() {
        return ViewOps.contiguous(this);
    }

    /**
     * A copy with its own storage (differentiable).
     *
     * @return the copy
     */
    public Tensor copy() {
        return ViewOps.cloneTensor(this);
    }

    // ------------------------------------------------------------------------------------------------
    // Autograd

    /**
     * Whether gradients are tracked for this tensor.
     *
     * @return true for leaves marked with {@code requiresGrad(true)} and results computed from them
     */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Marks this leaf tensor as a variable whose gradient is wanted (or unmarks it).
     *
     * @param requires whether to track gradients
     * @return this tensor
     */
    public Tensor requiresGrad(boolean requires) {
        if (gradFn != null) {
            throw new IllegalStateException("requiresGrad: can only be changed on leaf tensors; this one was "
                    + "computed by " + gradFn.name() + " (use detach() first)");
        }
        if (requires && !dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("requiresGrad: only floating-point tensors can require gradients, "
                    + "this one is " + dtype);
        }
        requiresGrad = requires;
        return this;
    }

    /**
     * Whether this tensor is a leaf of the graph (not computed by a recorded operation).
     *
     * @return true for leaves
     */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /**
     * The gradient accumulated by {@link #backward()} calls, or null if none reached this leaf yet.
     *
     * @return the accumulated gradient
     */
    public Tensor grad() {
        return grad;
    }

    /**
     * Forgets the accumulated gradient. Inside a {@link TensorScope}, the dropped gradient tensor is closed with
     * the scope and its storage reused by the next gradient, unless a view of it belongs to no scope.
     */
    public void zeroGrad() {
        Tensor dropped = grad;
        grad = null;
        if (dropped != null) {
            TensorScope.reclaim(dropped); // in a scope: recycled with it, so the next step's grad reuses it
        }
    }

    /**
     * Replaces the accumulated gradient, as assigning {@code p.grad} does in PyTorch: e.g. with gradients that a
     * data-parallel driver averaged over several batches, before an optimizer step.
     *
     * @param gradient the gradient, with this tensor's shape and dtype (kept, not copied), or null to forget it
     * @throws IllegalArgumentException when the shape or the dtype differs
     * @throws IllegalStateException    when this is not a leaf that requires gradients
     */
    public void setGrad(Tensor gradient) {
        if (!requiresGrad || gradFn != null) {
            throw new IllegalStateException("setGrad: only leaves that require gradients hold one");
        }
        if (gradient != null && (!Arrays.equals(gradient.shape, shape) || gradient.dtype != dtype)) {
            throw new IllegalArgumentException("setGrad: expected a " + dtype + " gradient of shape "
                    + Arrays.toString(shape) + ", got " + gradient.dtype + " " + Arrays.toString(gradient.shape));
        }
        Tensor previous = grad;
        grad = gradient;
        if (gradient != null) {
            TensorScope.keepWith(gradient, this);
        }
        if (previous != null && previous != gradient) {
            TensorScope.reclaim(previous);
        }
    }

    /**
     * The name of the operation that computed this tensor, like PyTorch's {@code grad_fn}.
     *
     * @return e.g. {@code "MulBackward"}, or null for leaves
     */
    public String gradFnName() {
        return gradFn == null ? null : gradFn.name();
    }

    /**
     * A tensor sharing this one's storage but cut off from the graph.
     *
     * @return the detached tensor
     */
    public Tensor detach() {
        return new Tensor(this, shape, strides, offset);
    }

    /**
     * Back-propagates from this single-element tensor, accumulating into the leaves' {@link #grad()}. The
     * graph is freed afterwards.
     */
    public void backward() {
        backward(null, false);
    }

    /**
     * Back-propagates {@code gradOutput} (shaped like this tensor), accumulating into the leaves' grads.
     *
     * @param gradOutput the gradient of some scalar with respect to this tensor
     */
    public void backward(Tensor gradOutput) {
        backward(gradOutput, false);
    }

    /**
     * Back-propagates, optionally keeping the graph so that backward can run through it again.
     *
     * @param gradOutput  the gradient with respect to this tensor, or null for 1 (single-element tensors)
     * @param retainGraph keep the saved tensors for another backward
     */
    public void backward(Tensor gradOutput, boolean retainGraph) {
        if (!requiresGrad) {
            throw new IllegalStateException("backward: this tensor (shape " + Shapes.str(shape)
                    + ") does not require a gradient; nothing upstream of it was marked requiresGrad(true)");
        }
        Grad.backward(List.of(this), gradOutput == null ? null : Collections.singletonList(gradOutput), retainGraph);
    }

    /**
     * Adds a gradient to this leaf's {@link #grad()}, converted to the leaf's dtype. The first gradient is
     * copied into fresh contiguous storage: the incoming tensor may be the caller's seed or a broadcast view
     * of it, and a leaf's grad must be its own (optimizers update grads in place).
     */
    void accumulateGrad(Tensor g) {
        if (grad == null && g.adoptable && g.dtype == dtype && g.contiguous && g.offset == 0
                && Arrays.equals(g.shape, shape)) {
            // The rule's own fresh result: no one else can see or change it, so it becomes the grad as it is.
            g.adoptable = false;
            grad = g;
            TensorScope.keepWith(grad, this); // a parameter's grad outlives the step's scope
            return;
        }
        Tensor previous = grad;
        grad = grad == null ? Elementwise.copy(g, dtype) : grad.add(g.dtype == dtype ? g : g.to(dtype));
        TensorScope.keepWith(grad, this);
        if (previous != null) {
            TensorScope.reclaim(previous);
        }
    }

    /**
     * Marks a gradient made by a backward rule in fresh storage that nothing else references, so that a leaf
     * may keep it as its grad without a copy (PyTorch's AccumulateGrad does the same when it holds the only
     * reference). Only for tensors the rule allocated itself and returns once, never for views or inputs.
     *
     * @param g the rule's fresh gradient, or null
     * @return g
     */
    static Tensor adoptable(Tensor g) {
        if (g != null) {
            g.adoptable = true;
        }
        return g;
    }

    /** Marks this fresh result as produced by {@code node}. */
    void attach(GradNode node, int index) {
        this.gradFn = node;
        this.outputIndex = index;
        this.requiresGrad = true;
    }

    /** Records {@code out} for autograd (see {@link Grad#record}); the built-in operations' shorthand. */
    static Tensor record(String name, Tensor out, BackwardFn rule, Tensor... inputs) {
        return Grad.record(name, out, rule, inputs);
    }

    // ------------------------------------------------------------------------------------------------
    // Elementwise binary operations (broadcasting)

    /**
     * Elementwise sum with broadcasting.
     *
     * @param other the other operand
     * @return {@code this + other}
     */
    public Tensor add(Tensor other) {
        return BinaryOps.add(this, other);
    }

    /**
     * Adds a constant.
     *
     * @param value the constant
     * @return {@code this + value}
     */
    public Tensor add(double value) {
        return BinaryOps.add(this, constant(value));
    }

    /**
     * Elementwise difference with broadcasting.
     *
     * @param other the other operand
     * @return {@code this - other}
     */
    public Tensor sub(Tensor other) {
        return BinaryOps.sub(this, other);
    }

    /**
     * Subtracts a constant.
     *
     * @param value the constant
     * @return {@code this - value}
     */
    public Tensor sub(double value) {
        return BinaryOps.sub(this, constant(value));
    }

    /**
     * Elementwise product with broadcasting.
     *
     * @param other the other operand
     * @return {@code this * other}
     */
    public Tensor mul(Tensor other) {
        return BinaryOps.mul(this, other);
    }

    /**
     * Multiplies by a constant.
     *
     * @param value the constant
     * @return {@code this * value}
     */
    public Tensor mul(double value) {
        return BinaryOps.mul(this, constant(value));
    }

    /**
     * Elementwise true division with broadcasting (integer operands give a float32 result).
     *
     * @param other the divisor
     * @return {@code this / other}
     */
    public Tensor div(Tensor other) {
        return BinaryOps.div(this, other);
    }

    /**
     * Divides by a constant.
     *
     * @param value the divisor
     * @return {@code this / value}
     */
    public Tensor div(double value) {
        return BinaryOps.div(this, constant(value));
    }

    /**
     * Elementwise power with broadcasting.
     *
     * @param exponent the exponent
     * @return {@code this ^ exponent}
     */
    public Tensor pow(Tensor exponent) {
        return BinaryOps.pow(this, exponent);
    }

    /**
     * Raises every element to a constant power.
     *
     * @param exponent the exponent
     * @return {@code this ^ exponent}
     */
    public Tensor pow(double exponent) {
        return UnaryOps.pow(this, exponent);
    }

    /**
     * Elementwise maximum with broadcasting; at ties the gradient is split equally.
     *
     * @param other the other operand
     * @return {@code max(this, other)}
     */
    public Tensor maximum(Tensor other) {
        return BinaryOps.maximum(this, other);
    }

    /**
     * Elementwise minimum with broadcasting; at ties the gradient is split equally.
     *
     * @param other the other operand
     * @return {@code min(this, other)}
     */
    public Tensor minimum(Tensor other) {
        return BinaryOps.minimum(this, other);
    }

    /**
     * Elementwise four-quadrant arctangent of {@code this / other}.
     *
     * @param other the x coordinate (this is y)
     * @return {@code atan2(this, other)} in (-π, π]
     */
    public Tensor atan2(Tensor other) {
        return BinaryOps.atan2(this, other);
    }

    /**
     * Elementwise {@code this > other} as a bool mask.
     *
     * @param other the other operand
     * @return the mask
     */
    public Tensor gt(Tensor other) {
        return BinaryOps.compare("gt", this, other);
    }

    /**
     * Elementwise {@code this > value} as a bool mask.
     *
     * @param value the constant
     * @return the mask
     */
    public Tensor gt(double value) {
        return BinaryOps.compare("gt", this, constant(value));
    }

    /**
     * Elementwise {@code this >= other} as a bool mask.
     *
     * @param other the other operand
     * @return the mask
     */
    public Tensor ge(Tensor other) {
        return BinaryOps.compare("ge", this, other);
    }

    /**
     * Elementwise {@code this >= value} as a bool mask.
     *
     * @param value the constant
     * @return the mask
     */
    public Tensor ge(double value) {
        return BinaryOps.compare("ge", this, constant(value));
    }

    /**
     * Elementwise {@code this < other} as a bool mask.
     *
     * @param other the other operand
     * @return the mask
     */
    public Tensor lt(Tensor other) {
        return BinaryOps.compare("lt", this, other);
    }

    /**
     * Elementwise {@code this < value} as a bool mask.
     *
     * @param value the constant
     * @return the mask
     */
    public Tensor lt(double value) {
        return BinaryOps.compare("lt", this, constant(value));
    }

    /**
     * Elementwise {@code this <= other} as a bool mask.
     *
     * @param other the other operand
     * @return the mask
     */
    public Tensor le(Tensor other) {
        return BinaryOps.compare("le", this, other);
    }

    /**
     * Elementwise {@code this <= value} as a bool mask.
     *
     * @param value the constant
     * @return the mask
     */
    public Tensor le(double value) {
        return BinaryOps.compare("le", this, constant(value));
    }

    /**
     * Elementwise {@code this == other} as a bool mask.
     *
     * @param other the other operand
     * @return the mask
     */
    public Tensor eq(Tensor other) {
        return BinaryOps.compare("eq", this, other);
    }

    /**
     * Elementwise {@code this == value} as a bool mask.
     *
     * @param value the constant
     * @return the mask
     */
    public Tensor eq(double value) {
        return BinaryOps.compare("eq", this, constant(value));
    }

    /**
     * Elementwise {@code this != other} as a bool mask.
     *
     * @param other the other operand
     * @return the mask
     */
    public Tensor ne(Tensor other) {
        return BinaryOps.compare("ne", this, other);
    }

    /**
     * Elementwise {@code this != value} as a bool mask.
     *
     * @param value the constant
     * @return the mask
     */
    public Tensor ne(double value) {
        return BinaryOps.compare("ne", this, constant(value));
    }

    /**
     * Elementwise logical and of two masks (any nonzero value counts as true).
     *
     * @param other the other mask
     * @return the bool mask
     */
    public Tensor logicalAnd(Tensor other) {
        return BinaryOps.compare("logicalAnd", this, other);
    }

    /**
     * Elementwise logical or of two masks (any nonzero value counts as true).
     *
     * @param other the other mask
     * @return the bool mask
     */
    public Tensor logicalOr(Tensor other) {
        return BinaryOps.compare("logicalOr", this, other);
    }

    /**
     * Elementwise logical negation (zero becomes true).
     *
     * @return the bool mask
     */
    public Tensor logicalNot() {
        return BinaryOps.compare("eq", this, constant(0));
    }

    /**
     * Picks {@code a} where {@code mask} is true and {@code b} elsewhere, broadcasting all three.
     *
     * @param mask a bool (or 0/1) tensor
     * @param a    values where the mask holds
     * @param b    values elsewhere
     * @return the selection
     */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) {
        return BinaryOps.where(mask, a, b);
    }

    /** A scalar of this tensor's type (float32 for integer/bool tensors), so constants do not promote. */
    private Tensor constant(double value) {
        return Tensors.full(dtype.isFloatingPoint() ? dtype : (value == Math.rint(value) && dtype == DType.INT64
                ? DType.INT64 : DType.FLOAT32), value);
    }

    // ------------------------------------------------------------------------------------------------
    // Elementwise unary operations

    /**
     * Negation.
     *
     * @return {@code -this}
     */
    public Tensor neg() {
        return UnaryOps.neg(this);
    }

    /**
     * Absolute value; the gradient at 0 is 0.
     *
     * @return {@code |this|}
     */
    public Tensor abs() {
        return UnaryOps.abs(this);
    }

    /**
     * Sign (-1, 0 or 1); its gradient is zero.
     *
     * @return {@code sign(this)}
     */
    public Tensor sign() {
        return UnaryOps.sign(this);
    }

    /**
     * Exponential.
     *
     * @return {@code e^this}
     */
    public Tensor exp() {
        return UnaryOps.exp(this);
    }

    /**
     * {@code e^x - 1}, accurate for small x.
     *
     * @return {@code expm1(this)}
     */
    public Tensor expm1() {
        return UnaryOps.expm1(this);
    }

    /**
     * Natural logarithm.
     *
     * @return {@code ln(this)}
     */
    public Tensor log() {
        return UnaryOps.log(this);
    }

    /**
     * {@code ln(1 + x)}, accurate for small x.
     *
     * @return {@code log1p(this)}
     */
    public Tensor log1p() {
        return UnaryOps.log1p(this);
    }

    /**
     * Square root.
     *
     * @return {@code sqrt(this)}
     */
    public Tensor sqrt() {
        return UnaryOps.sqrt(this);
    }

    /**
     * Reciprocal square root.
     *
     * @return {@code 1 / sqrt(this)}
     */
    public Tensor rsqrt() {
        return UnaryOps.rsqrt(this);
    }

    /**
     * Square.
     *
     * @return {@code this * this}
     */
    public Tensor square() {
        return UnaryOps.square(this);
    }

    /**
     * Reciprocal.
     *
     * @return {@code 1 / this}
     */
    public Tensor reciprocal() {
        return UnaryOps.reciprocal(this);
    }

    /**
     * Sine.
     *
     * @return {@code sin(this)}
     */
    public Tensor sin() {
        return UnaryOps.sin(this);
    }

    /**
     * Cosine.
     *
     * @return {@code cos(this)}
     */
    public Tensor cos() {
        return UnaryOps.cos(this);
    }

    /**
     * Hyperbolic tangent.
     *
     * @return {@code tanh(this)}
     */
    public Tensor tanh() {
        return UnaryOps.tanh(this);
    }

    /**
     * Logistic sigmoid {@code 1 / (1 + e^-x)}.
     *
     * @return {@code sigmoid(this)}
     */
    public Tensor sigmoid() {
        return UnaryOps.sigmoid(this);
    }

    /**
     * {@code log(sigmoid(x)) = -softplus(-x)}, computed without overflow.
     *
     * @return {@code logSigmoid(this)}
     */
    public Tensor logSigmoid() {
        return UnaryOps.logSigmoid(this);
    }

    /**
     * Softplus with PyTorch's defaults (beta 1, threshold 20).
     *
     * @return {@code log(1 + e^this)}
     */
    public Tensor softplus() {
        return UnaryOps.softplus(this, 1.0, 20.0);
    }

    /**
     * Softplus {@code log(1 + e^(beta x)) / beta}, which is {@code x} where {@code beta x > threshold}.
     *
     * @param beta      the sharpness, nonzero
     * @param threshold above which the identity is used
     * @return the softplus
     */
    public Tensor softplus(double beta, double threshold) {
        return UnaryOps.softplus(this, beta, threshold);
    }

    /**
     * Arctangent.
     *
     * @return {@code atan(this)}
     */
    public Tensor atan() {
        return UnaryOps.atan(this);
    }

    /**
     * The Gauss error function.
     *
     * @return {@code erf(this)}
     */
    public Tensor erf() {
        return UnaryOps.erf(this);
    }

    /**
     * Rectified linear unit; the gradient at 0 is 0.
     *
     * @return {@code max(this, 0)}
     */
    public Tensor relu() {
        return UnaryOps.relu(this);
    }

    /**
     * Leaky ReLU: {@code x} for {@code x > 0}, {@code slope * x} otherwise.
     *
     * @param negativeSlope the slope for negative inputs (PyTorch's default is 0.01)
     * @return the activation
     */
    public Tensor leakyRelu(double negativeSlope) {
        return UnaryOps.leakyRelu(this, negativeSlope);
    }

    /**
     * ELU: {@code x} for {@code x > 0}, {@code alpha (e^x - 1)} otherwise.
     *
     * @param alpha the saturation value for negative inputs (PyTorch's default is 1)
     * @return the activation
     */
    public Tensor elu(double alpha) {
        return UnaryOps.elu(this, alpha);
    }

    /**
     * GELU with the exact error function, {@code x Φ(x)} (PyTorch's default).
     *
     * @return the activation
     */
    public Tensor gelu() {
        return UnaryOps.gelu(this, false);
    }

    /**
     * GELU, exact or with the tanh approximation ({@code approximate='tanh'} in PyTorch).
     *
     * @param tanhApproximation use {@code 0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))}
     * @return the activation
     */
    public Tensor gelu(boolean tanhApproximation) {
        return UnaryOps.gelu(this, tanhApproximation);
    }

    /**
     * SiLU (swish): {@code x sigmoid(x)}.
     *
     * @return the activation
     */
    public Tensor silu() {
        return UnaryOps.silu(this);
    }

    /**
     * Clamps every element to {@code [min, max]}; the gradient passes where {@code min <= x <= max}. Use
     * infinities for one-sided clamps.
     *
     * @param min the lower bound
     * @param max the upper bound, not below {@code min}
     * @return the clamped tensor
     */
    public Tensor clamp(double min, double max) {
        return UnaryOps.clamp(this, min, max);
    }

    // ------------------------------------------------------------------------------------------------
    // Reductions

    /**
     * Sum of all elements.
     *
     * @return a scalar
     */
    public Tensor sum() {
        return ReductionOps.sum(this, new int[0], false);
    }

    /**
     * Sum over one dim.
     *
     * @param dim the dim to reduce
     * @return the sums, without that dim
     */
    public Tensor sum(int dim) {
        return ReductionOps.sum(this, new int[] {dim}, false);
    }

    /**
     * Sum over some dims.
     *
     * @param dims    the dims to reduce (empty: all)
     * @param keepDim keep the reduced dims with size 1
     * @return the sums
     */
    public Tensor sum(int[] dims, boolean keepDim) {
        return ReductionOps.sum(this, dims, keepDim);
    }

    /**
     * Mean of all elements.
     *
     * @return a scalar
     */
    public Tensor mean() {
        return ReductionOps.mean(this, new int[0], false);
    }

    /**
     * Mean over one dim.
     *
     * @param dim the dim to reduce
     * @return the means, without that dim
     */
    public Tensor mean(int dim) {
        return ReductionOps.mean(this, new int[] {dim}, false);
    }

    /**
     * Mean over some dims.
     *
     * @param dims    the dims to reduce (empty: all)
     * @param keepDim keep the reduced dims with size 1
     * @return the means
     */
    public Tensor mean(int[] dims, boolean keepDim) {
        return ReductionOps.mean(this, dims, keepDim);
    }

    /**
     * Product of all elements.
     *
     * @return a scalar
     */
    public Tensor prod() {
        return ReductionOps.prod(this, new int[0], false);
    }

    /**
     * Product over some dims.
     *
     * @param dims    the dims to reduce (empty: all)
     * @param keepDim keep the reduced dims with size 1
     * @return the products
     */
    public Tensor prod(int[] dims, boolean keepDim) {
        return ReductionOps.prod(this, dims, keepDim);
    }

    /**
     * Largest element; at ties the gradient is split equally.
     *
     * @return a scalar
     */
    public Tensor max() {
        return ReductionOps.extreme(this, true);
    }

    /**
     * Largest elements along a dim, with their positions (the first at ties).
     *
     * @param dim     the dim to reduce
     * @param keepDim keep the reduced dim with size 1
     * @return values and int64 indices
     */
    public ValuesIndices max(int dim, boolean keepDim) {
        return ReductionOps.extreme(this, dim, keepDim, true);
    }

    /**
     * Smallest element; at ties the gradient is split equally.
     *
     * @return a scalar
     */
    public Tensor min() {
        return ReductionOps.extreme(this, false);
    }

    /**
     * Smallest elements along a dim, with their positions (the first at ties).
     *
     * @param dim     the dim to reduce
     * @param keepDim keep the reduced dim with size 1
     * @return values and int64 indices
     */
    public ValuesIndices min(int dim, boolean keepDim) {
        return ReductionOps.extreme(this, dim, keepDim, false);
    }

    /**
     * Position of the largest element along a dim.
     *
     * @param dim     the dim to reduce
     * @param keepDim keep the reduced dim with size 1
     * @return int64 indices
     */
    public Tensor argmax(int dim, boolean keepDim) {
        return ReductionOps.argExtreme(this, dim, keepDim, true);
    }

    /**
     * Position of the smallest element along a dim.
     *
     * @param dim     the dim to reduce
     * @param keepDim keep the reduced dim with size 1
     * @return int64 indices
     */
    public Tensor argmin(int dim, boolean keepDim) {
        return ReductionOps.argExtreme(this, dim, keepDim, false);
    }

    /**
     * Variance over some dims.
     *
     * @param dims     the dims to reduce (empty: all)
     * @param unbiased divide by {@code n - 1} (Bessel's correction) instead of {@code n}
     * @param keepDim  keep the reduced dims with size 1
     * @return the variances
     */
    public Tensor var(int[] dims, boolean unbiased, boolean keepDim) {
        return ReductionOps.var(this, dims, unbiased, keepDim);
    }

    /**
     * Standard deviation over some dims.
     *
     * @param dims     the dims to reduce (empty: all)
     * @param unbiased divide by {@code n - 1} (Bessel's correction) instead of {@code n}
     * @param keepDim  keep the reduced dims with size 1
     * @return the standard deviations
     */
    public Tensor std(int[] dims, boolean unbiased, boolean keepDim) {
        return ReductionOps.std(this, dims, unbiased, keepDim);
    }

    /**
     * {@code log(sum(exp(x)))} over some dims, computed without overflow.
     *
     * @param dims    the dims to reduce (empty: all)
     * @param keepDim keep the reduced dims with size 1
     * @return the log-sum-exp
     */
    public Tensor logsumexp(int[] dims, boolean keepDim) {
        return ReductionOps.logsumexp(this, dims, keepDim);
    }

    /**
     * Softmax along a dim.
     *
     * @param dim the dim to normalise
     * @return non-negative values summing to 1 along {@code dim}
     */
    public Tensor softmax(int dim) {
        return ReductionOps.softmax(this, dim);
    }

    /**
     * Log of the softmax along a dim, computed stably.
     *
     * @param dim the dim to normalise
     * @return {@code x - logsumexp(x, dim)}
     */
    public Tensor logSoftmax(int dim) {
        return ReductionOps.logSoftmax(this, dim);
    }

    /**
     * Cumulative sum along a dim.
     *
     * @param dim the dim
     * @return running sums, same shape
     */
    public Tensor cumsum(int dim) {
        return ReductionOps.cumsum(this, dim);
    }

    /**
     * Vector p-norm over some dims, for p = 1, 2 or {@code Double.POSITIVE_INFINITY}.
     *
     * @param p       1, 2 or infinity
     * @param dims    the dims to reduce (empty: all)
     * @param keepDim keep the reduced dims with size 1
     * @return the norms; the gradient at a zero vector is 0
     */
    public Tensor norm(double p, int[] dims, boolean keepDim) {
        return ReductionOps.norm(this, p, dims, keepDim);
    }

    /**
     * Euclidean norm of all elements.
     *
     * @return a scalar
     */
    public Tensor norm() {
        return ReductionOps.norm(this, 2, new int[0], false);
    }

    // ------------------------------------------------------------------------------------------------
    // Shape and view operations

    /**
     * The same elements in a new shape; one size may be -1 (inferred). A view when the layout allows.
     *
     * @param newShape the new shape
     * @return the reshaped tensor
     */
    public Tensor reshape(int... newShape) {
        return ViewOps.reshape(this, newShape);
    }

    /**
     * Same as {@link #reshape}, named as in PyTorch.
     *
     * @param newShape the new shape
     * @return the reshaped tensor
     */
    public Tensor view(int... newShape) {
        return ViewOps.reshape(this, newShape);
    }

    /**
     * Merges dims {@code startDim..endDim} into one.
     *
     * @param startDim first dim to merge
     * @param endDim   last dim to merge (inclusive, negative counts from the end)
     * @return the flattened tensor
     */
    public Tensor flatten(int startDim, int endDim) {
        return ViewOps.flatten(this, startDim, endDim);
    }

    /**
     * All elements as a 1-D tensor.
     *
     * @return the flattened tensor
     */
    public Tensor flatten() {
        return ViewOps.flatten(this, 0, -1);
    }

    /**
     * Removes all dims of size 1.
     *
     * @return the squeezed view
     */
    public Tensor squeeze() {
        return ViewOps.squeeze(this);
    }

    /**
     * Removes one dim if its size is 1 (otherwise returns the tensor unchanged, like PyTorch).
     *
     * @param dim the dim
     * @return the squeezed view
     */
    public Tensor squeeze(int dim) {
        return ViewOps.squeeze(this, dim);
    }

    /**
     * Inserts a dim of size 1 at {@code dim} (0..dim(), negative counts from the end).
     *
     * @param dim where to insert
     * @return the view
     */
    public Tensor unsqueeze(int dim) {
        return ViewOps.unsqueeze(this, dim);
    }

    /**
     * Swaps two dims (a view).
     *
     * @param dim0 first dim
     * @param dim1 second dim
     * @return the view
     */
    public Tensor transpose(int dim0, int dim1) {
        return ViewOps.transpose(this, dim0, dim1);
    }

    /**
     * The transpose of a matrix (or a 1-D tensor unchanged).
     *
     * @return the view
     */
    public Tensor t() {
        if (shape.length > 2) {
            throw new IllegalArgumentException("t: expected a tensor with at most 2 dims, got shape "
                    + Shapes.str(shape));
        }
        return shape.length < 2 ? this : transpose(0, 1);
    }

    /**
     * Reorders the dims (a view): result dim i is input dim {@code dims[i]}.
     *
     * @param dims a permutation of the dims
     * @return the view
     */
    public Tensor permute(int... dims) {
        return ViewOps.permute(this, dims);
    }

    /**
     * Broadcasts to a larger shape without copying (stride 0); -1 keeps a size.
     *
     * @param newShape the target shape
     * @return the view
     */
    public Tensor expand(int... newShape) {
        return ViewOps.expand(this, newShape);
    }

    /**
     * Broadcasts to a shape under NumPy's rules, without copying.
     *
     * @param newShape the target shape
     * @return the view
     */
    public Tensor broadcastTo(int... newShape) {
        return ViewOps.expand(this, newShape);
    }

    /**
     * The elements {@code start..start+length-1} along a dim (a view).
     *
     * @param dim    the dim
     * @param start  first index (negative counts from the end)
     * @param length how many
     * @return the view
     */
    public Tensor narrow(int dim, int start, int length) {
        return ViewOps.narrow(this, dim, start, length);
    }

    /**
     * Python-style slice {@code [start:end:step]} along a dim (a view). Negative start/end count from the
     * end and are clipped like Python's; a negative step walks backwards.
     *
     * <p>There are no omitted bounds, so pass values that clip to the ends: {@code x[::-1]} along dim 0 is
     * {@code x.slice(0, Integer.MAX_VALUE, Integer.MIN_VALUE, -1)}. With a negative step, {@code end = -1}
     * means the last element (as in Python), so an end of {@code Integer.MIN_VALUE} (or any value below
     * {@code -size}) is needed to run through index 0; {@code x[2:]} is
     * {@code x.slice(0, 2, Integer.MAX_VALUE, 1)}.
     *
     * @param dim   the dim
     * @param start first index
     * @param end   exclusive end index
     * @param step  nonzero step
     * @return the view
     */
    public Tensor slice(int dim, int start, int end, int step) {
        return ViewOps.slice(this, dim, start, end, step);
    }

    /**
     * The sub-tensor at {@code index} along a dim, with that dim removed (a view).
     *
     * @param dim   the dim
     * @param index the position (negative counts from the end)
     * @return the view
     */
    public Tensor select(int dim, int index) {
        return ViewOps.select(this, dim, index);
    }

    /**
     * Splits into pieces of {@code size} along a dim (the last may be smaller).
     *
     * @param size piece size, positive
     * @param dim  the dim
     * @return the views
     */
    public List<Tensor> split(int size, int dim) {
        return JoinOps.split(this, size, dim);
    }

    /**
     * Splits into pieces of the given sizes along a dim; the sizes must add up to the dim's size.
     *
     * @param sizes the piece sizes
     * @param dim   the dim
     * @return the views
     */
    public List<Tensor> split(int[] sizes, int dim) {
        return JoinOps.split(this, sizes, dim);
    }

    /**
     * Splits into {@code chunks} nearly equal pieces along a dim, like {@code torch.chunk}.
     *
     * @param chunks the number of pieces wanted
     * @param dim    the dim
     * @return the views (fewer when the dim is small)
     */
    public List<Tensor> chunk(int chunks, int dim) {
        return JoinOps.chunk(this, chunks, dim);
    }

    /**
     * Concatenates tensors along an existing dim.
     *
     * @param tensors tensors with equal shapes except along {@code dim}
     * @param dim     the dim
     * @return the concatenation
     */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return JoinOps.cat(tensors, dim);
    }

    /**
     * Stacks equally shaped tensors along a new dim.
     *
     * @param tensors the tensors
     * @param dim     where the new dim goes
     * @return the stack
     */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        return JoinOps.stack(tensors, dim);
    }

    /**
     * Reverses the order of elements along the given dims (a view with negated strides, no copy).
     *
     * @param dims the dims to flip (negative counts from the end; none: the tensor itself)
     * @return the flipped view
     */
    public Tensor flip(int... dims) {
        return JoinOps.flip(this, dims);
    }

    /**
     * Tiles the tensor, like {@code torch.Tensor.repeat}: dim i is repeated {@code repeats[i]} times.
     * Extra leading repeats add new dims.
     *
     * @param repeats repetitions per dim, at least {@code dim()} of them
     * @return the tiled copy
     */
    public Tensor repeat(int... repeats) {
        return JoinOps.repeat(this, repeats);
    }

    /**
     * Pads with a constant, like {@code torch.nn.functional.pad}: {@code padding} holds (before, after)
     * pairs starting from the last dim.
     *
     * @param padding (before, after) pairs, last dim first; non-negative
     * @param value   the fill value
     * @return the padded tensor
     */
    public Tensor pad(int[] padding, double value) {
        return JoinOps.pad(this, padding, value);
    }

    /**
     * Picks the slices at {@code index} along a dim.
     *
     * @param dim   the dim
     * @param index a 1-D int64 tensor of positions
     * @return a tensor whose {@code dim} has {@code index.numel()} entries
     */
    public Tensor indexSelect(int dim, Tensor index) {
        return IndexOps.indexSelect(this, dim, index);
    }

    /**
     * Adds the slices of {@code source} into the positions {@code index} along a dim; repeated indices
     * accumulate.
     *
     * @param dim    the dim
     * @param index  a 1-D int64 tensor of positions
     * @param source values; {@code source.size(dim) == index.numel()}, other dims as this tensor
     * @return this tensor plus the scattered source
     */
    public Tensor indexAdd(int dim, Tensor index, Tensor source) {
        return IndexOps.indexAdd(this, dim, index, source);
    }

    /**
     * Gathers values along a dim: {@code out[i][j] = this[index[i][j]][j]} for dim 0, and so on.
     *
     * @param dim   the dim
     * @param index int64 tensor with as many dims as this one
     * @return a tensor shaped like {@code index}
     */
    public Tensor gather(int dim, Tensor index) {
        return IndexOps.gather(this, dim, index);
    }

    /**
     * Scatters {@code src} along a dim and adds: {@code out[index[i][j]][j] += src[i][j]} for dim 0, and so
     * on; repeated indices accumulate.
     *
     * @param dim   the dim
     * @param index int64 tensor with as many dims as this one
     * @param src   values, at least as large as {@code index} in every dim
     * @return this tensor plus the scattered values
     */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) {
        return IndexOps.scatterAdd(this, dim, index, src);
    }

    /**
     * For each value, the insertion position into the sorted last dim of {@code sorted}, like
     * {@code torch.searchsorted}.
     *
     * @param sorted sorted along the last dim; 1-D, or with the same leading dims as {@code values}
     * @param values values to place
     * @param right  false: first position {@code i} with {@code values <= sorted[i]}; true: first with
     *               {@code values < sorted[i]}
     * @return int64 positions shaped like {@code values}
     */
    public static Tensor searchsorted(Tensor sorted, Tensor values, boolean right) {
        return IndexOps.searchsorted(sorted, values, right);
    }

    // ------------------------------------------------------------------------------------------------
    // Linear algebra

    /**
     * The affine map of a linear layer, {@code this · weightᵀ + bias} (PyTorch's {@code F.linear}), as one op:
     * the bias is added into the product's storage rather than through a second tensor of the output's size.
     *
     * @param weight the weight {@code [out_features, in_features]}, of this tensor's dtype
     * @param bias   the bias {@code [out_features]}, or null for none
     * @return the result {@code [..., out_features]} for this tensor {@code [..., in_features]}
     * @throws IllegalArgumentException when the shapes or dtypes do not fit, naming them
     */
    public Tensor linear(Tensor weight, Tensor bias) {
        return LinalgOps.linear(this, weight, bias);
    }

    /**
     * The two-layer perceptron {@code relu(this·w1ᵀ + b1)·w2ᵀ + b2} as one op, the same function as
     * {@code linear(w1, b1).relu().linear(w2, b2)}: its hidden activations and hidden gradient are kept in
     * recycled buffers instead of four fresh tensors of the hidden width. {@link dev.jinn.nn.Sequential} uses it
     * for every Linear → ReLU → Linear run of its layers.
     *
     * @param w1 first weight {@code [hidden, in_features]}
     * @param b1 first bias {@code [hidden]}, or null
     * @param w2 second weight {@code [out_features, hidden]}
     * @param b2 second bias {@code [out_features]}, or null
     * @return the result {@code [..., out_features]} for this tensor {@code [..., in_features]}
     * @throws IllegalArgumentException when the shapes or dtypes do not fit, naming them
     */
    public Tensor linearReluLinear(Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        return MlpOps.linearReluLinear(this, w1, b1, w2, b2);
    }

    /**
     * Matrix product with PyTorch's rules: 1-D operands are promoted to matrices, leading (batch) dims
     * broadcast.
     *
     * @param other the right operand
     * @return {@code this @ other}
     */
    public Tensor matmul(Tensor other) {
        return LinalgOps.matmul(this, other);
    }

    /**
     * Outer product of two 1-D tensors.
     *
     * @param other the second vector
     * @return the matrix {@code this[i] * other[j]}
     */
    public Tensor outer(Tensor other) {
        return LinalgOps.outer(this, other);
    }

    /**
     * The k-th diagonal of a matrix as a 1-D tensor, or a matrix with a 1-D tensor on its k-th diagonal.
     *
     * @param k diagonal offset: 0 main, positive above, negative below
     * @return the diagonal or the diagonal matrix
     */
    public Tensor diag(int k) {
        return LinalgOps.diag(this, k);
    }

    /**
     * The main diagonal of a matrix, or the diagonal matrix of a vector.
     *
     * @return the diagonal or the diagonal matrix
     */
    public Tensor diag() {
        return LinalgOps.diag(this, 0);
    }

    /**
     * Sum of the main diagonal of a matrix.
     *
     * @return a scalar
     */
    public Tensor trace() {
        return LinalgOps.trace(this);
    }

    /**
     * Lower triangle of the last two dims: elements with {@code col - row <= k}, zero elsewhere.
     *
     * @param k diagonal offset
     * @return the masked tensor
     */
    public Tensor tril(int k) {
        return LinalgOps.triangle(this, k, true);
    }

    /**
     * Upper triangle of the last two dims: elements with {@code col - row >= k}, zero elsewhere.
     *
     * @param k diagonal offset
     * @return the masked tensor
     */
    public Tensor triu(int k) {
        return LinalgOps.triangle(this, k, false);
    }

    // ------------------------------------------------------------------------------------------------
    // In-place updates (optimizers, state loading)

    /**
     * Overwrites this tensor's elements (through any view) with {@code src}, broadcast to this shape and
     * converted to this dtype. Meant for optimizers and for loading weights: tensors are otherwise values.
     * Not recorded by autograd; a tensor that requires a gradient may only be updated inside
     * {@link Grad#disabled()}, and one still saved in a live graph must not be updated at all (its backward
     * would read the new values).
     *
     * @param src the new values
     * @return this tensor
     */
    public Tensor copyFrom(Tensor src) {
        checkWritable("copyFrom");
        Tensor source = src.expand(shape);
        Elementwise.copyInto(source, this);
        return this;
    }

    /**
     * Sets every element to {@code value}, under the same rules as {@link #copyFrom}.
     *
     * @param value the new value of every element
     * @return this tensor
     */
    public Tensor fill(double value) {
        return copyFrom(Tensors.full(dtype, value));
    }

    /**
     * This tensor's elements as one run of its storage array, for one-pass in-place updates outside the tensor
     * layer (see {@link DenseStorage}).
     *
     * @return the run, or null when this tensor is not contiguous or not floating-point
     */
    public DenseStorage denseStorage() {
        return contiguous && dtype.isFloatingPoint() ? new StorageRun(data(), dtype, offset, numel) : null;
    }

    /**
     * As {@link #denseStorage()}, for writing: under the same rules as {@link #copyFrom} (inside
     * {@link Grad#disabled()} for a tensor that requires a gradient).
     *
     * @param op the operation that writes, named in the error
     * @return the run, or null when this tensor is not contiguous or not floating-point
     * @throws IllegalStateException when this tensor may not be written in place now
     */
    public DenseStorage writableStorage(String op) {
        checkWritable(op);
        return denseStorage();
    }

    void checkWritable(String op) {
        if (requiresGrad && Grad.isEnabled()) {
            throw new IllegalStateException(op + ": in-place update of a tensor that requires a gradient (shape "
                    + Shapes.str(shape) + "); do it inside Grad.disabled()");
        }
        for (int d = 0; d < shape.length; d++) {
            if (strides[d] == 0 && shape[d] > 1) {
                throw new IllegalStateException(op + ": cannot write into a broadcast view (shape "
                        + Shapes.str(shape) + ", stride 0 in dim " + d + "): several elements share one memory slot");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Dense linear algebra
    //
    // For batches of small matrices, as in Linalg (which holds the solvers): every method takes [..., m, n]
    // and works on each matrix of the leading (batch) dims, in double precision (float32 in, float32 out).
    // Singular matrices where an inverse is needed throw ArithmeticException naming the operation and the
    // matrix's index in the batch; slogdet reports them as sign 0 and log|det| = -inf instead.

    /**
     * The inverse of each square matrix. Differentiable ({@code gA = -A⁻ᵀ·g·A⁻ᵀ}), twice too.
     *
     * @return {@code A⁻¹}, shaped like this
     * @throws IllegalArgumentException when this is not {@code [..., n, n]}
     * @throws ArithmeticException when a matrix is singular
     */
    public Tensor inverse() {
        return DecompOps.inverse(this);
    }

    /**
     * The determinant of each square matrix, from its LU factorization. Differentiable: the gradient is the
     * cofactor matrix, {@code det(A)·A⁻ᵀ}; when a matrix of the batch is exactly singular it is computed from
     * the adjugate instead (valid there too), and then that gradient is not differentiable again.
     *
     * @return the determinants, shaped like the batch dims
     * @throws IllegalArgumentException when this is not {@code [..., n, n]}
     */
    public Tensor det() {
        return DecompOps.det(this);
    }

    /**
     * The sign and the logarithm of the absolute value of each square matrix's determinant, which stays finite
     * where the determinant itself would overflow or underflow. A singular matrix gives sign 0 and
     * {@code -inf} (no exception). {@code logAbsDet} is differentiable ({@code A⁻ᵀ}), twice too; at a singular
     * matrix its gradient is undefined and backward throws {@link ArithmeticException}.
     *
     * @return the sign and log|det|, each shaped like the batch dims
     * @throws IllegalArgumentException when this is not {@code [..., n, n]}
     */
    public SignLogAbsDet slogdet() {
        return DecompOps.slogdet(this);
    }

    /**
     * The LU factorization with partial pivoting {@code P·A = L·U} of each square matrix, packed as LAPACK
     * packs it (see {@link LU}). Singular matrices are factorized too (a zero on {@code U}'s diagonal). Not
     * differentiable.
     *
     * @return the packed factors and the 0-based pivots
     * @throws IllegalArgumentException when this is not {@code [..., n, n]}
     */
    public LU lu() {
        return DecompOps.lu(this);
    }

    /**
     * The reduced QR factorization by Householder reflections: {@code A = Q·R} with {@code Q} {@code [..., m, k]}
     * having orthonormal columns and {@code R} {@code [..., k, n]} upper triangular, {@code k = min(m, n)}. As in
     * LAPACK and PyTorch, {@code R}'s diagonal may be negative. Differentiable (in {@code Q} and {@code R},
     * twice too) for square and tall matrices ({@code m >= n}) of full rank; backward through a wide one throws
     * {@link UnsupportedOperationException}.
     *
     * @return {@code Q} and {@code R}
     * @throws IllegalArgumentException when this has fewer than 2 dims
     */
    public QR qr() {
        return DecompOps.qr(this);
    }

    /**
     * The Cholesky factor of each symmetric positive-definite matrix: lower triangular {@code L} with a positive
     * diagonal and {@code A = L·Lᵀ}. Only the lower triangle of {@code A} is read. Differentiable, twice too;
     * the gradient is symmetric (the gradient for symmetric perturbations of {@code A}).
     *
     * @return {@code L}, shaped like this
     * @throws IllegalArgumentException when this is not {@code [..., n, n]}
     * @throws ArithmeticException naming the matrix and the failing pivot when one is not positive definite
     */
    public Tensor cholesky() {
        return DecompOps.cholesky(this);
    }

    /**
     * The eigendecomposition {@code A = V·diag(λ)·Vᵀ} of each symmetric matrix (cyclic Jacobi; only the lower
     * triangle is read), eigenvalues ascending as in {@code torch.linalg.eigh}. Not differentiable: the results
     * carry no gradient.
     *
     * @return eigenvalues {@code [..., n]} and eigenvectors as columns {@code [..., n, n]}
     * @throws IllegalArgumentException when this is not {@code [..., n, n]}
     */
    public Eigh eigh() {
        return DecompOps.eigh(this);
    }

    /**
     * The reduced singular value decomposition {@code A = U·diag(S)·Vᴴ} (one-sided Jacobi), singular values
     * descending. Not differentiable: the results carry no gradient.
     *
     * @return {@code U} {@code [..., m, k]}, {@code S} {@code [..., k]} and {@code Vᴴ} {@code [..., k, n]},
     *     {@code k = min(m, n)}
     * @throws IllegalArgumentException when this has fewer than 2 dims
     */
    public SVD svd() {
        return DecompOps.svd(this);
    }

    // ------------------------------------------------------------------------------------------------
    // Printing and comparison

    /**
     * The values printed like PyTorch, e.g. {@code tensor([[1.0000, 2.5000]], requires_grad=True)}; large
     * tensors are summarised with {@code ...}.
     *
     * @return the text
     */
    @Override
    public String toString() {
        return TensorFormatter.format(this);
    }

    /**
     * Whether another tensor has the same shape and all values within {@code atol + rtol * |other|}.
     * NaNs are never close.
     *
     * @param other the tensor to compare with
     * @param rtol  relative tolerance
     * @param atol  absolute tolerance
     * @return true when all elements are close
     */
    public boolean allClose(Tensor other, double rtol, double atol) {
        if (!Arrays.equals(shape, other.shape)) {
            return false;
        }
        double[] a = toDoubleArray();
        double[] b = other.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i])) && a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}
