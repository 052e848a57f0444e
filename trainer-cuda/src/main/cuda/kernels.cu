// The trainer's non-GEMM passes on a GPU, fp32, each the same arithmetic as its CPU kernel in
// dev.emergent.trainer.kernels (whose scalar reference the device check compares them with).
// Row kernels run one block per row; elementwise kernels stride over the grid.
#include <cuda_bf16.h>

#define GELU_C 0.7978845608028654f
#define GELU_A 0.044715f

__device__ long first_index() { return blockIdx.x * (long)blockDim.x + threadIdx.x; }
__device__ long grid_stride() { return (long)gridDim.x * blockDim.x; }

// Sum (or max) over the block, returned to every thread. The leading barrier lets a caller
// reduce twice in a row: nobody rewrites `partial` while a slow warp still reads the last result.
__device__ float block_reduce(float v, bool max) {
  __shared__ float partial[32];
  __shared__ float result;
  for (int offset = 16; offset > 0; offset >>= 1) {
    float other = __shfl_xor_sync(0xffffffff, v, offset);
    v = max ? fmaxf(v, other) : v + other;
  }
  int lane = threadIdx.x & 31;
  int warp = threadIdx.x >> 5;
  __syncthreads();
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  if (warp == 0) {
    int warps = (blockDim.x + 31) >> 5;
    v = lane < warps ? partial[lane] : (max ? -INFINITY : 0.f);
    for (int offset = 16; offset > 0; offset >>= 1) {
      float other = __shfl_xor_sync(0xffffffff, v, offset);
      v = max ? fmaxf(v, other) : v + other;
    }
    if (lane == 0) result = v;
  }
  __syncthreads();
  return result;
}

// y = 0.5·x·(1 + t), t = tanh(C·(x + A·x³)) kept for backward.
extern "C" __global__ void gelu_forward(const float* x, float* y, float* t, long n) {
  for (long i = first_index(); i < n; i += grid_stride()) {
    float v = x[i];
    float tanh = tanhf(GELU_C * (v + GELU_A * v * v * v));
    t[i] = tanh;
    y[i] = 0.5f * v * (1.f + tanh);
  }
}

extern "C" __global__ void gelu_backward(const float* dy, const float* x, const float* t,
                                         float* dx, long n) {
  for (long i = first_index(); i < n; i += grid_stride()) {
    float v = x[i];
    float tanh = t[i];
    float local = 0.5f * (1.f + tanh) + 0.5f * v * (1.f - tanh * tanh) * GELU_C *
                  (1.f + 3.f * GELU_A * v * v);
    dx[i] = dy[i] * local;
  }
}

// Rows of [rows, dim]: x̂ = (x − mean)/σ and 1/σ kept for backward, y = x̂·gain + shift.
extern "C" __global__ void layer_norm_forward(const float* x, const float* gain,
                                              const float* shift, float epsilon,
                                              float* normalized, float* inverse_std, float* y,
                                              int dim) {
  long base = (long)blockIdx.x * dim;
  float sum = 0.f;
  for (int j = threadIdx.x; j < dim; j += blockDim.x) sum += x[base + j];
  float mean = block_reduce(sum, false) / dim;
  float squares = 0.f;
  for (int j = threadIdx.x; j < dim; j += blockDim.x) {
    float centered = x[base + j] - mean;
    squares += centered * centered;
  }
  float inverse = rsqrtf(block_reduce(squares, false) / dim + epsilon);
  if (threadIdx.x == 0) inverse_std[blockIdx.x] = inverse;
  for (int j = threadIdx.x; j < dim; j += blockDim.x) {
    float xhat = (x[base + j] - mean) * inverse;
    normalized[base + j] = xhat;
    y[base + j] = xhat * gain[j] + shift[j];
  }
}

// dx = (1/σ)·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·gain. The gain and shift gradients are
// column sums over the rows, added by layer_norm_parameter_grads so that no two blocks race.
extern "C" __global__ void layer_norm_backward(const float* dy, const float* normalized,
                                               const float* inverse_std, const float* gain,
                                               float* dx, int dim) {
  long base = (long)blockIdx.x * dim;
  float sum_g = 0.f;
  float sum_gx = 0.f;
  for (int j = threadIdx.x; j < dim; j += blockDim.x) {
    float g = dy[base + j] * gain[j];
    sum_g += g;
    sum_gx += g * normalized[base + j];
  }
  float mean_g = block_reduce(sum_g, false) / dim;
  float mean_gx = block_reduce(sum_gx, false) / dim;
  float inverse = inverse_std[blockIdx.x];
  for (int j = threadIdx.x; j < dim; j += blockDim.x) {
    float g = dy[base + j] * gain[j];
    dx[base + j] = inverse * (g - mean_g - normalized[base + j] * mean_gx);
  }
}

// One thread per column: adds Σ_rows dy·x̂ to gain_grad and Σ_rows dy to shift_grad.
extern "C" __global__ void layer_norm_parameter_grads(const float* dy, const float* normalized,
                                                      float* gain_grad, float* shift_grad,
                                                      int rows, int dim) {
  int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= dim) return;
  float gain_sum = 0.f;
  float shift_sum = 0.f;
  for (int r = 0; r < rows; r++) {
    float d = dy[(long)r * dim + j];
    gain_sum += d * normalized[(long)r * dim + j];
    shift_sum += d;
  }
  gain_grad[j] += gain_sum;
  shift_grad[j] += shift_sum;
}

// In place over rows of [B·H·T, T]: row r is the query at position r mod T and sees keys
// 0..r mod T; the entries above the diagonal are written as 0.
extern "C" __global__ void causal_softmax_forward(float* scores, int time) {
  long base = (long)blockIdx.x * time;
  int seen = blockIdx.x % time + 1;
  float max = -INFINITY;
  for (int j = threadIdx.x; j < seen; j += blockDim.x) max = fmaxf(max, scores[base + j]);
  max = block_reduce(max, true);
  float sum = 0.f;
  for (int j = threadIdx.x; j < seen; j += blockDim.x) {
    float e = expf(scores[base + j] - max);
    scores[base + j] = e;
    sum += e;
  }
  float inverse = 1.f / block_reduce(sum, false);
  for (int j = threadIdx.x; j < time; j += blockDim.x) {
    scores[base + j] = j < seen ? scores[base + j] * inverse : 0.f;
  }
}

// In place: dprobs -> p·(dp − Σ p·dp) on and below the diagonal, 0 above it.
extern "C" __global__ void causal_softmax_backward(float* dprobs, const float* probs, int time) {
  long base = (long)blockIdx.x * time;
  int seen = blockIdx.x % time + 1;
  float dot = 0.f;
  for (int j = threadIdx.x; j < seen; j += blockDim.x) dot += probs[base + j] * dprobs[base + j];
  dot = block_reduce(dot, false);
  for (int j = threadIdx.x; j < time; j += blockDim.x) {
    dprobs[base + j] = j < seen ? probs[base + j] * (dprobs[base + j] - dot) : 0.f;
  }
}

// AdamW in PyTorch's order: decoupled weight decay (where mask is 1), then the bias-corrected
// Adam step; correction1 and correction2 are 1 − β^t.
extern "C" __global__ void adamw(float* values, const float* grads, float* first, float* second,
                                 const float* mask, long n, float learning_rate,
                                 float weight_decay, float beta1, float beta2, float epsilon,
                                 float correction1, float correction2) {
  float decay = learning_rate * weight_decay;
  float rate = learning_rate / correction1;
  for (long i = first_index(); i < n; i += grid_stride()) {
    float g = grads[i];
    float m = beta1 * first[i] + (1.f - beta1) * g;
    float v = beta2 * second[i] + (1.f - beta2) * g * g;
    first[i] = m;
    second[i] = v;
    float value = values[i] * (1.f - decay * mask[i]);
    values[i] = value - rate * m / (sqrtf(v / correction2) + epsilon);
  }
}

// fp32 master weights and activations to the bf16 operands of a bf16 GEMM (round to nearest).
extern "C" __global__ void to_bf16(const float* x, __nv_bfloat16* y, long n) {
  for (long i = first_index(); i < n; i += grid_stride()) y[i] = __float2bfloat16_rn(x[i]);
}

// tensor = value.
extern "C" __global__ void fill(float* tensor, float value, long n) {
  for (long i = first_index(); i < n; i += grid_stride()) tensor[i] = value;
}

// tensor *= factor.
extern "C" __global__ void scale(float* tensor, float factor, long n) {
  for (long i = first_index(); i < n; i += grid_stride()) tensor[i] *= factor;
}

// out = a + b; out may be a or b.
extern "C" __global__ void add(const float* a, const float* b, float* out, long n) {
  for (long i = first_index(); i < n; i += grid_stride()) out[i] = a[i] + b[i];
}

// One thread per row of a zeroed [rows, columns] matrix: 1 in column ids[row].
extern "C" __global__ void one_hot(float* matrix, const int* ids, int rows, int columns) {
  int row = blockIdx.x * blockDim.x + threadIdx.x;
  if (row < rows) matrix[(long)row * columns + ids[row]] = 1.f;
}

// Squares summed per block into partial[blockIdx.x]; the host adds the blocks up in double.
extern "C" __global__ void sum_of_squares(const float* x, float* partial, long n) {
  float sum = 0.f;
  for (long i = first_index(); i < n; i += grid_stride()) sum += x[i] * x[i];
  sum = block_reduce(sum, false);
  if (threadIdx.x == 0) partial[blockIdx.x] = sum;
}

// One block per row of logits [rows, columns]: probs = softmax(row), and
// loss[row] = scale[row] · (log Σ exp − logit[target]), with the target read from the one-hot row.
extern "C" __global__ void softmax_cross_entropy(const float* logits, const float* targets,
                                                 const float* scale, float* probs, float* loss,
                                                 int columns) {
  long base = (long)blockIdx.x * columns;
  float max = -INFINITY;
  for (int j = threadIdx.x; j < columns; j += blockDim.x) max = fmaxf(max, logits[base + j]);
  max = block_reduce(max, true);
  float sum = 0.f;
  float target = 0.f;
  for (int j = threadIdx.x; j < columns; j += blockDim.x) {
    float shifted = logits[base + j] - max;
    target += shifted * targets[base + j];
    float e = expf(shifted);
    probs[base + j] = e;
    sum += e;
  }
  sum = block_reduce(sum, false);
  target = block_reduce(target, false);
  float inverse = 1.f / sum;
  for (int j = threadIdx.x; j < columns; j += blockDim.x) probs[base + j] *= inverse;
  if (threadIdx.x == 0) loss[blockIdx.x] = (logf(sum) - target) * scale[blockIdx.x];
}

// dlogits = (probs − targets) · scale[row].
extern "C" __global__ void softmax_cross_entropy_backward(const float* probs, const float* targets,
                                                          const float* scale, float* dlogits,
                                                          int columns, long n) {
  for (long i = first_index(); i < n; i += grid_stride()) {
    dlogits[i] = (probs[i] - targets[i]) * scale[i / columns];
  }
}

// One block per row: the column of the row's largest element (the first of equals), as a float.
extern "C" __global__ void argmax_rows(const float* matrix, float* columns_out, int columns) {
  __shared__ float best_values[256];
  __shared__ int best_columns[256];
  long base = (long)blockIdx.x * columns;
  float best = -INFINITY;
  int at = 0;
  for (int j = threadIdx.x; j < columns; j += blockDim.x) {
    if (matrix[base + j] > best) {
      best = matrix[base + j];
      at = j;
    }
  }
  best_values[threadIdx.x] = best;
  best_columns[threadIdx.x] = at;
  __syncthreads();
  for (int half = blockDim.x / 2; half > 0; half >>= 1) {
    if (threadIdx.x < half) {
      float other = best_values[threadIdx.x + half];
      int other_at = best_columns[threadIdx.x + half];
      if (other > best_values[threadIdx.x] ||
          (other == best_values[threadIdx.x] && other_at < best_columns[threadIdx.x])) {
        best_values[threadIdx.x] = other;
        best_columns[threadIdx.x] = other_at;
      }
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) columns_out[blockIdx.x] = (float)best_columns[0];
}
