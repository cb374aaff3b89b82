// gqn_torch: the native half of gqn's `torch` TensorFlow.js backend (src/engine/torch/).
//
// Tensors live in libtorch memory; JavaScript holds them by integer id (a slot in `slots`).
// Every op takes ids and plain numbers and returns a new id; the shape and dtype of the result
// are written to a scratch Int32Array shared with JavaScript ([dtype, rank, d0, d1, ...]), so
// the caller builds its TensorInfo without another call.
//
// Layout: tfjs is NHWC. Convolutions and pools hand libtorch NHWC data as NCHW views
// (permute, no copy), which libtorch sees as channels-last memory; their channels-last results
// permute back to contiguous NHWC. Results are stored as libtorch returns them (views
// included); `read` makes them contiguous.
//
// One translation unit on purpose: libtorch's headers cost about a minute per unit to compile.
// Builds against libtorch 1.13 (Debian) through 2.x (the `torch` Python package), CPU or CUDA.

#include <napi.h>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <limits>
#include <cstring>
#include <string>
#include <unordered_set>
#include <vector>

#if __has_include(<torch/version.h>)
#include <torch/version.h>
#endif
#ifndef TORCH_VERSION
#define TORCH_VERSION "unknown"
#endif

namespace {

using at::Tensor;
using Ints = std::vector<int64_t>;

// ---- tensor slots -----------------------------------------------------------------------

std::vector<Tensor> slots(1);  // id 0 is never used
/**
 * Convolution filters converted to libtorch's layout, by 2 * id (+1 for depthwise) of the tfjs
 * tensor they came from. Ids hold immutable tensors, so an entry is good until its id is
 * released: a weight serves its forward convolution and its input gradient, and a shared core's
 * weight every step, with one conversion.
 */
std::unordered_map<uint64_t, Tensor> filterCache;
std::vector<uint32_t> freeIds;
size_t live = 0;
at::Device device(at::kCPU);
int32_t* scratch = nullptr;
size_t scratchLength = 0;
Napi::Reference<Napi::Int32Array> scratchRef;

enum DType : int32_t { F32 = 0, I32 = 1, BOOL = 2 };

at::ScalarType scalarType(int32_t dtype) {
  switch (dtype) {
    case F32: return at::kFloat;
    case I32: return at::kInt;
    case BOOL: return at::kBool;
  }
  throw std::runtime_error("unknown dtype code " + std::to_string(dtype));
}

int32_t dtypeCode(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return F32;
    case at::kInt: return I32;
    case at::kBool: return BOOL;
    default: throw std::runtime_error(std::string("unsupported result dtype ") + c10::toString(t));
  }
}

at::TensorOptions opts(at::ScalarType t) { return at::TensorOptions().dtype(t).device(device); }

/** tfjs knows float32, int32 and bool: libtorch's int64 and float64 results are narrowed. */
Tensor normalize(Tensor t) {
  switch (t.scalar_type()) {
    case at::kFloat: case at::kInt: case at::kBool: break;
    case at::kLong: case at::kShort: case at::kByte: case at::kChar: t = t.to(at::kInt); break;
    default: t = t.to(at::kFloat); break;
  }
  // On CUDA, only 0-d tensors may stay on the host (libtorch treats them as scalars).
  if (device.is_cuda() && !t.is_cuda() && t.dim() > 0) t = t.to(device);
  return t;
}

void describe(const Tensor& t) {
  const int64_t rank = t.dim();
  if (scratch == nullptr || static_cast<size_t>(rank) + 2 > scratchLength) {
    throw std::runtime_error("scratch buffer missing or too small");
  }
  scratch[0] = dtypeCode(t.scalar_type());
  scratch[1] = static_cast<int32_t>(rank);
  for (int64_t i = 0; i < rank; i++) scratch[2 + i] = static_cast<int32_t>(t.size(i));
}

uint32_t put(Tensor t) {
  t = normalize(std::move(t));
  describe(t);
  uint32_t id;
  if (!freeIds.empty()) {
    id = freeIds.back();
    freeIds.pop_back();
    slots[id] = std::move(t);
  } else {
    id = static_cast<uint32_t>(slots.size());
    slots.push_back(std::move(t));
  }
  live++;
  return id;
}

const Tensor& get(uint32_t id) {
  if (id == 0 || id >= slots.size() || !slots[id].defined()) {
    throw std::runtime_error("no tensor with id " + std::to_string(id));
  }
  return slots[id];
}

// ---- argument helpers -----------------------------------------------------------------

uint32_t U(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Uint32Value(); }
int64_t I(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int64Value(); }
double D(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().DoubleValue(); }
bool B(const Napi::CallbackInfo& info, size_t i) { return info[i].ToBoolean().Value(); }

Ints ints(const Napi::Value& v) {
  Ints out;
  if (v.IsTypedArray()) {
    auto a = v.As<Napi::Int32Array>();
    out.assign(a.Data(), a.Data() + a.ElementLength());
  } else {
    auto a = v.As<Napi::Array>();
    out.resize(a.Length());
    for (uint32_t i = 0; i < a.Length(); i++) out[i] = a.Get(i).As<Napi::Number>().Int64Value();
  }
  return out;
}

std::vector<Tensor> tensorsOf(const Napi::Value& v) {
  auto a = v.As<Napi::Array>();
  std::vector<Tensor> out;
  out.reserve(a.Length());
  for (uint32_t i = 0; i < a.Length(); i++) out.push_back(get(a.Get(i).As<Napi::Number>().Uint32Value()));
  return out;
}

Napi::Value idsOf(Napi::Env env, const std::vector<Tensor>& ts) {
  auto a = Napi::Array::New(env, ts.size());
  for (size_t i = 0; i < ts.size(); i++) a.Set(static_cast<uint32_t>(i), Napi::Number::New(env, put(ts[i])));
  return a;
}

/** Runs an op body with autograd off, turning libtorch errors into one-line JS errors. */
template <typename F>
Napi::Value guarded(const Napi::CallbackInfo& info, const char* name, F&& body) {
  try {
    c10::InferenceMode guard;
    return body();
  } catch (const c10::Error& e) {
    std::string msg = e.what_without_backtrace();
    auto nl = msg.find('\n');
    if (nl != std::string::npos) msg = msg.substr(0, nl);
    throw Napi::Error::New(info.Env(), std::string("torch ") + name + ": " + msg);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string("torch ") + name + ": " + e.what());
  }
}

#define OP(name) Napi::Value name(const Napi::CallbackInfo& info) { return guarded(info, #name, [&]() -> Napi::Value {
#define END }); }
#define RET(t) return Napi::Number::New(info.Env(), put(t))

// ---- setup, data movement, bookkeeping --------------------------------------------------

bool cudaAvailable() { return at::hasCUDA(); }

int cudaDevices() {
  try {
    return cudaAvailable() ? static_cast<int>(at::getNumGPUs()) : 0;
  } catch (...) {
    return 0;
  }
}

Napi::Object describeLibrary(Napi::Env env) {
  auto o = Napi::Object::New(env);
  o.Set("version", TORCH_VERSION);
  o.Set("cuda", cudaAvailable());
  o.Set("cudaDevices", cudaDevices());
  o.Set("threads", at::get_num_threads());
  o.Set("device", device.str());
  o.Set("parallel", at::get_parallel_info());
  o.Set("tf32Cudnn", at::globalContext().allowTF32CuDNN());
  o.Set("tf32Cublas", at::globalContext().allowTF32CuBLAS());
  return o;
}

// setTF32(cudnn, cublas): whether CUDA convolutions / matmuls may round inputs to TF32
// (libtorch's defaults are PyTorch's: cuDNN yes, cuBLAS no).
Napi::Value setTF32(const Napi::CallbackInfo& info) {
  at::globalContext().setAllowTF32CuDNN(B(info, 0));
  at::globalContext().setAllowTF32CuBLAS(B(info, 1));
  return describeLibrary(info.Env());
}

// init(threads, device, scratch: Int32Array)
OP(init)
  int64_t threads = I(info, 0);
  std::string dev = info[1].As<Napi::String>().Utf8Value();
  if (dev.rfind("cuda", 0) == 0 && !cudaAvailable()) {
    throw std::runtime_error("--device cuda: this libtorch (" TORCH_VERSION ") was built without CUDA or sees no GPU");
  }
  at::Device wanted(dev);
  if (wanted.is_cuda() && wanted.has_index() && wanted.index() >= cudaDevices()) {
    throw std::runtime_error("--device " + dev + ": only " + std::to_string(cudaDevices()) + " CUDA device(s)");
  }
  if (wanted.is_cuda() && !wanted.has_index()) wanted = at::Device(at::kCUDA, 0);
  device = wanted;
  if (threads > 0) at::set_num_threads(static_cast<int>(threads));
  auto buf = info[2].As<Napi::Int32Array>();
  scratchRef = Napi::Persistent(buf);
  scratch = buf.Data();
  scratchLength = buf.ElementLength();
  return describeLibrary(info.Env());
END

Napi::Value library(const Napi::CallbackInfo& info) { return describeLibrary(info.Env()); }

// upload(data: TypedArray | null, shape, dtype)
OP(upload)
  Ints shape = ints(info[1]);
  auto type = scalarType(static_cast<int32_t>(I(info, 2)));
  if (info[0].IsNull() || info[0].IsUndefined()) RET(at::zeros(shape, opts(type)));
  auto arr = info[0].As<Napi::TypedArray>();
  auto bytes = arr.ByteLength();
  auto* src = static_cast<uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
  int64_t n = 1;
  for (auto s : shape) n *= s;
  if (static_cast<size_t>(n) * c10::elementSize(type) != bytes) {
    throw std::runtime_error("upload: " + std::to_string(bytes) + " bytes for " + std::to_string(n) + " elements");
  }
  // Host copy first; 0-d values stay on the host on CUDA too (scalars; no device round trip).
  Tensor host = at::empty(shape, at::TensorOptions().dtype(type));
  if (bytes > 0) std::memcpy(host.data_ptr(), src, bytes);
  RET(host);
END

// download(id) -> Float32Array | Int32Array | Uint8Array (a copy)
OP(download)
  Tensor t = get(U(info, 0)).to(at::kCPU).contiguous();
  size_t bytes = t.numel() * t.element_size();
  auto buf = Napi::ArrayBuffer::New(info.Env(), bytes);
  if (bytes > 0) std::memcpy(buf.Data(), t.data_ptr(), bytes);
  switch (t.scalar_type()) {
    case at::kFloat: return Napi::Float32Array::New(info.Env(), t.numel(), buf, 0);
    case at::kInt: return Napi::Int32Array::New(info.Env(), t.numel(), buf, 0);
    case at::kBool: return Napi::Uint8Array::New(info.Env(), t.numel(), buf, 0);
    default: throw std::runtime_error("download: unsupported dtype");
  }
END

Napi::Value release(const Napi::CallbackInfo& info) {
  uint32_t id = U(info, 0);
  if (id != 0 && id < slots.size() && slots[id].defined()) {
    filterCache.erase(2 * uint64_t{id});
    filterCache.erase(2 * uint64_t{id} + 1);
    slots[id] = Tensor();
    freeIds.push_back(id);
    live--;
  }
  return info.Env().Undefined();
}

Napi::Value releaseAll(const Napi::CallbackInfo& info) {
  filterCache.clear();
  slots.assign(1, Tensor());
  freeIds.clear();
  live = 0;
  return info.Env().Undefined();
}

/**
 * Live tensors, the distinct storages behind them (and behind the filter cache) and their bytes
 * (views share storage).
 */
Napi::Value stats(const Napi::CallbackInfo& info) {
  std::unordered_set<const void*> seen;
  double bytes = 0;
  auto count = [&](const Tensor& t) {
    const auto& storage = t.storage();
    if (seen.insert(storage.unsafeGetStorageImpl()).second) bytes += static_cast<double>(storage.nbytes());
  };
  for (const auto& t : slots) {
    if (t.defined()) count(t);
  }
  for (const auto& entry : filterCache) count(entry.second);
  auto o = Napi::Object::New(info.Env());
  o.Set("tensors", static_cast<double>(live));
  o.Set("storages", static_cast<double>(seen.size()));
  o.Set("bytes", bytes);
  o.Set("cachedFilters", static_cast<double>(filterCache.size()));
  return o;
}

// describe(id): writes its shape to the scratch buffer.
OP(shapeOf)
  describe(get(U(info, 0)));
  return info.Env().Undefined();
END

// ---- elementwise ----------------------------------------------------------------------

enum Unary {
  ABS, ACOS, ACOSH, ASIN, ASINH, ATAN, ATANH, CEIL, COS, COSH, ERF, EXP, EXPM1, FLOOR, IS_FINITE,
  IS_INF, IS_NAN, LOG, LOG1P, LOGICAL_NOT, NEG, RECIPROCAL, RELU, RELU6, ROUND, RSQRT, SELU,
  SIGMOID, SIGN, SIN, SINH, SOFTPLUS, SQRT, SQUARE, STEP, TAN, TANH, ELU, IDENTITY, ZEROS_LIKE,
  ONES_LIKE, LEAKY_RELU, UNARY_COUNT
};
const char* unaryNames[] = {
  "Abs", "Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh", "Ceil", "Cos", "Cosh", "Erf", "Exp",
  "Expm1", "Floor", "IsFinite", "IsInf", "IsNan", "Log", "Log1p", "LogicalNot", "Neg",
  "Reciprocal", "Relu", "Relu6", "Round", "Rsqrt", "Selu", "Sigmoid", "Sign", "Sin", "Sinh",
  "Softplus", "Sqrt", "Square", "Step", "Tan", "Tanh", "Elu", "Identity", "ZerosLike", "OnesLike",
  "LeakyRelu",
};
static_assert(sizeof(unaryNames) / sizeof(unaryNames[0]) == UNARY_COUNT, "unary names");

Tensor floating(const Tensor& x) { return x.is_floating_point() ? x : x.to(at::kFloat); }

Tensor unary(int64_t op, const Tensor& x, double alpha) {
  switch (op) {
    case ABS: return at::abs(x);
    case ACOS: return at::acos(floating(x));
    case ACOSH: return at::acosh(floating(x));
    case ASIN: return at::asin(floating(x));
    case ASINH: return at::asinh(floating(x));
    case ATAN: return at::atan(floating(x));
    case ATANH: return at::atanh(floating(x));
    case CEIL: return x.is_floating_point() ? at::ceil(x) : x;
    case COS: return at::cos(floating(x));
    case COSH: return at::cosh(floating(x));
    case ERF: return at::erf(floating(x));
    case EXP: return at::exp(floating(x));
    case EXPM1: return at::expm1(floating(x));
    case FLOOR: return x.is_floating_point() ? at::floor(x) : x;
    case IS_FINITE: return at::isfinite(x);
    case IS_INF: return at::isinf(x);
    case IS_NAN: return at::isnan(x);
    case LOG: return at::log(floating(x));
    case LOG1P: return at::log1p(floating(x));
    case LOGICAL_NOT: return at::logical_not(x);
    case NEG: return at::neg(x);
    case RECIPROCAL: return at::reciprocal(floating(x));
    case RELU: return at::relu(x);
    case RELU6: return at::clamp(x, 0, 6);
    case ROUND: return x.is_floating_point() ? at::round(x) : x;
    case RSQRT: return at::rsqrt(floating(x));
    case SELU: return at::selu(floating(x));
    case SIGMOID: return at::sigmoid(floating(x));
    case SIGN: return at::sign(x);
    case SIN: return at::sin(floating(x));
    case SINH: return at::sinh(floating(x));
    case SOFTPLUS: return at::softplus(floating(x), 1, 20);
    case SQRT: return at::sqrt(floating(x));
    case SQUARE: return at::square(x);
    case STEP: {
      // tfjs: NaN stays NaN, x > 0 gives 1, the rest alpha.
      Tensor y = at::where(x > 0, at::scalar_tensor(1, x.options()), at::scalar_tensor(alpha, x.options()));
      return x.is_floating_point() ? at::where(at::isnan(x), x, y) : y;
    }
    case TAN: return at::tan(floating(x));
    case TANH: return at::tanh(floating(x));
    case ELU: return at::elu(floating(x));
    case IDENTITY: return x;
    case ZEROS_LIKE: return at::zeros_like(x);
    case ONES_LIKE: return at::ones_like(x);
    case LEAKY_RELU: return at::leaky_relu(floating(x), alpha);
  }
  throw std::runtime_error("unknown unary op " + std::to_string(op));
}

// unary(op, x, alpha)
OP(unaryOp)
  RET(unary(I(info, 0), get(U(info, 1)), info.Length() > 2 ? D(info, 2) : 0));
END

enum Binary {
  ADD, SUB, MUL, DIV, FLOOR_DIV, MAXIMUM, MINIMUM, POW, SQUARED_DIFFERENCE, MOD, ATAN2, EQUAL,
  NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, LOGICAL_AND, LOGICAL_OR, LOGICAL_XOR,
  PRELU, ELU_GRAD, BINARY_COUNT
};
const char* binaryNames[] = {
  "Add", "Sub", "Multiply", "RealDiv", "FloorDiv", "Maximum", "Minimum", "Pow",
  "SquaredDifference", "Mod", "Atan2", "Equal", "NotEqual", "Less", "LessEqual", "Greater",
  "GreaterEqual", "LogicalAnd", "LogicalOr", "LogicalXor", "Prelu", "EluGrad",
};
static_assert(sizeof(binaryNames) / sizeof(binaryNames[0]) == BINARY_COUNT, "binary names");

Tensor binary(int64_t op, const Tensor& a, const Tensor& b) {
  switch (op) {
    case ADD: return at::add(a, b);
    case SUB: return at::sub(a, b);
    case MUL: return at::mul(a, b);
    case DIV: {
      Tensor q = at::div(a, b);
      return a.scalar_type() == at::kInt && b.scalar_type() == at::kInt ? q.to(at::kInt) : q;
    }
    case FLOOR_DIV: return at::div(a, b, c10::string_view("floor"));
    case MAXIMUM: return at::maximum(a, b);
    case MINIMUM: return at::minimum(a, b);
    case POW: return at::pow(a, b);
    case SQUARED_DIFFERENCE: return at::square(at::sub(a, b));
    case MOD: return at::remainder(a, b);
    case ATAN2: return at::atan2(floating(a), floating(b));
    case EQUAL: return at::eq(a, b);
    case NOT_EQUAL: return at::ne(a, b);
    case LESS: return at::lt(a, b);
    case LESS_EQUAL: return at::le(a, b);
    case GREATER: return at::gt(a, b);
    case GREATER_EQUAL: return at::ge(a, b);
    case LOGICAL_AND: return at::logical_and(a, b);
    case LOGICAL_OR: return at::logical_or(a, b);
    case LOGICAL_XOR: return at::logical_xor(a, b);
    case PRELU: return at::where(a < 0, at::mul(a, b), a);
    case ELU_GRAD:  // (dy, y): dy where y >= 0, else dy * (y + 1)
      return at::elu_backward(a, 1, 1, 1, true, b);
  }
  throw std::runtime_error("unknown binary op " + std::to_string(op));
}

// binary(op, a, b)
OP(binaryOp)
  RET(binary(I(info, 0), get(U(info, 1)), get(U(info, 2))));
END

// select(condition, t, e): a rank-1 condition picks rows of higher-rank t and e.
OP(select)
  Tensor c = get(U(info, 0));
  const Tensor& t = get(U(info, 1));
  if (c.dim() == 1 && t.dim() > 1) {
    Ints shape(t.dim(), 1);
    shape[0] = c.size(0);
    c = c.reshape(shape);
  }
  RET(at::where(c.to(at::kBool), t, get(U(info, 2))));
END

// clip(x, lo, hi)
OP(clip)
  RET(at::clamp(get(U(info, 0)), D(info, 1), D(info, 2)));
END

// addN([ids])
OP(addN)
  auto ts = tensorsOf(info[0]);
  Tensor sum = ts.at(0);
  for (size_t i = 1; i < ts.size(); i++) sum = at::add(sum, ts[i]);
  RET(ts.size() == 1 ? sum.clone() : sum);
END

// cast(x, dtype)
OP(cast)
  RET(get(U(info, 0)).to(scalarType(static_cast<int32_t>(I(info, 1)))));
END

// ---- reductions -------------------------------------------------------------------------

enum Reduce { SUM, MEAN, PROD, MAX, MIN, ALL, ANY, REDUCE_COUNT };
const char* reduceNames[] = {"Sum", "Mean", "Prod", "Max", "Min", "All", "Any"};
static_assert(sizeof(reduceNames) / sizeof(reduceNames[0]) == REDUCE_COUNT, "reduce names");

// reduce(op, x, axes (non-empty, non-negative), keepDims)
OP(reduce)
  int64_t op = I(info, 0);
  const Tensor& x = get(U(info, 1));
  Ints axes = ints(info[2]);
  bool keep = B(info, 3);
  std::sort(axes.begin(), axes.end());
  auto oneByOne = [&](auto f) {
    // Highest axis first so that, without keepDims, the lower indices stay valid.
    Tensor y = x;
    for (auto it = axes.rbegin(); it != axes.rend(); ++it) y = f(y, *it);
    return y;
  };
  switch (op) {
    case SUM:
      RET(x.scalar_type() == at::kFloat ? at::sum(x, axes, keep) : at::sum(x, axes, keep, at::kInt));
    case MEAN: RET(at::mean(floating(x), axes, keep));
    case PROD:
      RET(oneByOne([&](const Tensor& y, int64_t a) {
        return x.scalar_type() == at::kFloat ? at::prod(y, a, keep) : at::prod(y, a, keep, at::kInt);
      }));
    case MAX: RET(at::amax(x, axes, keep));
    case MIN: RET(at::amin(x, axes, keep));
    case ALL: RET(oneByOne([&](const Tensor& y, int64_t a) { return at::all(y.to(at::kBool), a, keep); }));
    case ANY: RET(oneByOne([&](const Tensor& y, int64_t a) { return at::any(y.to(at::kBool), a, keep); }));
  }
  throw std::runtime_error("unknown reduction " + std::to_string(op));
END

// argReduce(isMax, x, axis)
OP(argReduce)
  const Tensor& x = get(U(info, 1));
  RET(B(info, 0) ? at::argmax(x, I(info, 2)) : at::argmin(x, I(info, 2)));
END

// softmax(x, dim)
OP(softmax)
  RET(at::softmax(get(U(info, 0)), I(info, 1)));
END

// cumulative(x, axis, exclusive, reverse, product): cumsum, or cumprod when `product`.
OP(cumulative)
  Tensor x = get(U(info, 0));
  int64_t axis = I(info, 1);
  bool exclusive = B(info, 2), reverse = B(info, 3), product = B(info, 4);
  if (reverse) x = x.flip({axis});
  auto type = x.scalar_type() == at::kFloat ? at::kFloat : at::kInt;
  Tensor y = product ? at::cumprod(x, axis, type) : at::cumsum(x, axis, type);
  if (exclusive && y.size(axis) > 0) {
    // Shift by one along the axis, starting from the identity (0 or 1).
    Ints pad(2 * (y.dim() - axis), 0);
    pad[pad.size() - 2] = 1;
    y = at::constant_pad_nd(y.narrow(axis, 0, y.size(axis) - 1), pad, product ? 1 : 0);
  }
  if (reverse) y = y.flip({axis});
  RET(y);
END

// ---- shapes and data rearrangement -------------------------------------------------------

// reshape(x, shape)
OP(reshape)
  RET(get(U(info, 0)).reshape(ints(info[1])));
END

// transpose(x, perm)
OP(transpose)
  RET(get(U(info, 0)).permute(ints(info[1])));
END

// contiguous(x): a copy in row-major order (a view becomes plain memory).
OP(contiguous)
  RET(get(U(info, 0)).contiguous());
END

// slice(x, begin, size)
OP(slice)
  Tensor x = get(U(info, 0));
  Ints begin = ints(info[1]), size = ints(info[2]);
  for (size_t d = 0; d < begin.size(); d++) {
    if (begin[d] != 0 || size[d] != x.size(d)) x = x.narrow(d, begin[d], size[d]);
  }
  RET(x);
END

// stridedSlice(x, begin, counts, strides, finalShape): per dimension, `counts` elements
// begin, begin + stride, ... (tfjs's slice_util.sliceInfo resolves masks and bounds); a negative
// stride walks backwards, which libtorch does as a forward walk over the flipped dimension.
OP(stridedSlice)
  Tensor x = get(U(info, 0));
  Ints begin = ints(info[1]), counts = ints(info[2]), strides = ints(info[3]), final = ints(info[4]);
  for (size_t d = 0; d < begin.size(); d++) {
    int64_t dim = static_cast<int64_t>(d), n = x.size(dim), count = counts[d], s = strides[d];
    if (count <= 0) {
      x = x.narrow(dim, 0, 0);
    } else if (s > 0) {
      x = x.slice(dim, begin[d], begin[d] + (count - 1) * s + 1, s);
    } else {
      int64_t start = n - 1 - begin[d];
      x = x.flip({dim}).slice(dim, start, start + (count - 1) * -s + 1, -s);
    }
  }
  RET(x.reshape(final));
END

// concat([ids], axis)
OP(concat)
  RET(at::cat(tensorsOf(info[0]), I(info, 1)));
END

// stack([ids], axis)
OP(stack)
  RET(at::stack(tensorsOf(info[0]), I(info, 1)));
END

// split(x, sizes, axis) -> [ids] (views)
OP(split)
  return idsOf(info.Env(), get(U(info, 0)).split_with_sizes(ints(info[1]), I(info, 2)));
END

// unstack(x, axis) -> [ids] (views)
OP(unstack)
  return idsOf(info.Env(), get(U(info, 0)).unbind(I(info, 1)));
END

// tile(x, reps)
OP(tile)
  RET(get(U(info, 0)).repeat(ints(info[1])));
END

// broadcastTo(x, shape): a view with zero strides.
OP(broadcastTo)
  RET(get(U(info, 0)).expand(ints(info[1])));
END

// pad(x, [before0, after0, before1, after1, ...], value)
OP(pad)
  const Tensor& x = get(U(info, 0));
  Ints p = ints(info[1]);
  Ints torchPad(p.size());
  // libtorch lists the last dimension first.
  for (size_t d = 0; d < p.size() / 2; d++) {
    torchPad[2 * d] = p[p.size() - 2 - 2 * d];
    torchPad[2 * d + 1] = p[p.size() - 1 - 2 * d];
  }
  RET(at::constant_pad_nd(x, torchPad, D(info, 2)));
END

// reverse(x, axes)
OP(reverse)
  RET(get(U(info, 0)).flip(ints(info[1])));
END

// gather(x, indices, axis): batchDims 0.
OP(gather)
  const Tensor& x = get(U(info, 0));
  const Tensor& indices = get(U(info, 1));
  int64_t axis = I(info, 2);
  Tensor picked = at::index_select(x, axis, indices.reshape({-1}).to(at::kLong));
  Ints shape(x.sizes().begin(), x.sizes().begin() + axis);
  for (auto s : indices.sizes()) shape.push_back(s);
  for (int64_t d = axis + 1; d < x.dim(); d++) shape.push_back(x.size(d));
  RET(picked.reshape(shape));
END

// unsortedSegmentSum(x, segmentIds, numSegments): ids outside [0, numSegments) are dropped.
OP(unsortedSegmentSum)
  const Tensor& x = get(U(info, 0));
  Tensor ids = get(U(info, 1)).reshape({-1}).to(at::kLong);
  int64_t n = I(info, 2);
  Ints rest(x.sizes().begin() + get(U(info, 1)).dim(), x.sizes().end());
  Ints rows{ids.size(0)};
  rows.insert(rows.end(), rest.begin(), rest.end());
  Ints outShape{n};
  outShape.insert(outShape.end(), rest.begin(), rest.end());
  Tensor valid = at::logical_and(ids >= 0, ids < n);
  Ints maskShape(rows.size(), 1);
  maskShape[0] = ids.size(0);
  Tensor values = at::mul(x.reshape(rows), valid.reshape(maskShape).to(x.scalar_type()));
  RET(at::zeros(outShape, x.options()).index_add_(0, at::where(valid, ids, at::zeros_like(ids)), values));
END

// fill(shape, value, dtype)
OP(fill)
  RET(at::full(ints(info[0]), D(info, 1), opts(scalarType(static_cast<int32_t>(I(info, 2))))));
END

// range(start, step, count, dtype): start + i * step.
OP(range)
  auto type = scalarType(static_cast<int32_t>(I(info, 3)));
  Tensor i = at::arange(I(info, 2), opts(at::kDouble));
  RET(at::add(at::mul(i, D(info, 1)), D(info, 0)).to(type));
END

// oneHot(indices, depth, on, off, dtype): out-of-range indices give a row of `off`.
OP(oneHot)
  const Tensor& indices = get(U(info, 0));
  auto type = scalarType(static_cast<int32_t>(I(info, 4)));
  Tensor hit = at::eq(indices.to(at::kLong).unsqueeze(-1), at::arange(I(info, 1), opts(at::kLong)));
  RET(at::where(hit, at::scalar_tensor(D(info, 2), opts(type)), at::scalar_tensor(D(info, 3), opts(type))));
END

// ---- matrix multiplication ---------------------------------------------------------------

// matmul(a, b, transposeA, transposeB): batch dimensions broadcast.
OP(matmul)
  Tensor a = get(U(info, 0)), b = get(U(info, 1));
  if (B(info, 2)) a = a.transpose(-2, -1);
  if (B(info, 3)) b = b.transpose(-2, -1);
  RET(at::matmul(a, b));
END

// ---- convolutions and pools (NHWC in and out) --------------------------------------------

Tensor toNCHW(const Tensor& x) { return x.permute({0, 3, 1, 2}); }
Tensor toNHWC(const Tensor& x) { return x.permute({0, 2, 3, 1}); }

/** tfjs filter [kh, kw, ci, co] (depthwise: [kh, kw, ci, multiplier]) as libtorch's [co, ci/g, kh, kw]. */
/**
 * dst[r * dr + c * dc] = src[r * sr + c * sc] for r < rows, c < cols, in 32x32 tiles so that
 * a transposing copy touches memory a cache line at a time (libtorch's generic strided copy
 * moves a 20 MB filter this way at well under 1 GB/s).
 */
void copy2d(const float* src, int64_t rows, int64_t cols, int64_t sr, int64_t sc, float* dst, int64_t dr, int64_t dc) {
  constexpr int64_t T = 32;
  for (int64_t r0 = 0; r0 < rows; r0 += T) {
    const int64_t r1 = std::min(rows, r0 + T);
    for (int64_t c0 = 0; c0 < cols; c0 += T) {
      const int64_t c1 = std::min(cols, c0 + T);
      for (int64_t r = r0; r < r1; r++) {
        for (int64_t c = c0; c < c1; c++) dst[r * dr + c * dc] = src[r * sr + c * sc];
      }
    }
  }
}

bool fastLayout(const Tensor& t) { return t.device().is_cpu() && t.scalar_type() == at::kFloat && t.dim() == 4; }

/**
 * tfjs filter [kh, kw, ci, co] as libtorch's [co, ci, kh, kw] in channels-last memory (physically
 * [co][kh][kw][ci]), the layout oneDNN takes without a reorder of its own for channels-last data.
 */
Tensor torchFilterCopy(const Tensor& f) {
  const int64_t kh = f.size(0), kw = f.size(1), ci = f.size(2), co = f.size(3), k = kh * kw * ci;
  Tensor out = at::empty({co, kh, kw, ci}, f.options());
  const float* src = f.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  const int64_t sy = f.stride(0), sx = f.stride(1), si = f.stride(2), so = f.stride(3);
  at::parallel_for(0, kh * kw, 1, [&](int64_t begin, int64_t end) {
    for (int64_t yx = begin; yx < end; yx++) {
      copy2d(src + (yx / kw) * sy + (yx % kw) * sx, ci, co, si, so, dst + yx * ci, 1, k);
    }
  });
  return out.permute({0, 3, 1, 2});
}

/** The inverse: a libtorch filter gradient [co, ci, kh, kw] (any strides) as tfjs's [kh, kw, ci, co]. */
Tensor tfjsFilterCopy(const Tensor& g) {
  const int64_t co = g.size(0), ci = g.size(1), kh = g.size(2), kw = g.size(3);
  Tensor out = at::empty({kh, kw, ci, co}, g.options());
  const float* src = g.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  const int64_t so = g.stride(0), si = g.stride(1), sy = g.stride(2), sx = g.stride(3);
  at::parallel_for(0, kh * kw, 1, [&](int64_t begin, int64_t end) {
    for (int64_t yx = begin; yx < end; yx++) {
      copy2d(src + (yx / kw) * sy + (yx % kw) * sx, ci, co, si, so, dst + yx * ci * co, co, 1);
    }
  });
  return out;
}

Tensor torchFilter(const Tensor& f, bool depthwise) {
  if (!depthwise) return fastLayout(f) ? torchFilterCopy(f) : f.permute({3, 2, 0, 1}).contiguous(at::MemoryFormat::ChannelsLast);
  return f.permute({2, 3, 0, 1}).reshape({f.size(2) * f.size(3), 1, f.size(0), f.size(1)});
}

const Tensor& cachedFilter(uint32_t id, bool depthwise) {
  const uint64_t key = 2 * uint64_t{id} + (depthwise ? 1 : 0);
  auto it = filterCache.find(key);
  if (it == filterCache.end()) it = filterCache.emplace(key, torchFilter(get(id), depthwise)).first;
  return it->second;
}

/** The inverse of torchFilter. */
Tensor tfjsFilter(const Tensor& g, const Ints& shape, bool depthwise) {
  if (!depthwise) return fastLayout(g) ? tfjsFilterCopy(g) : g.permute({2, 3, 1, 0});
  return g.reshape({shape[2], shape[3], shape[0], shape[1]}).permute({2, 3, 0, 1});
}

struct ConvArgs {
  int64_t sh, sw, top, bottom, left, right, dh, dw;
  bool depthwise;
  bool symmetric() const { return top == bottom && left == right; }
  Ints stride() const { return {sh, sw}; }
  Ints dilation() const { return {dh, dw}; }
  Ints padding() const { return symmetric() ? Ints{top, left} : Ints{0, 0}; }
  Ints explicitPad() const { return {left, right, top, bottom}; }
};

/** Reads (strideH, strideW, top, bottom, left, right, dilationH, dilationW, depthwise) from `at`. */
ConvArgs convArgs(const Napi::CallbackInfo& info, size_t at) {
  return {I(info, at), I(info, at + 1), I(info, at + 2), I(info, at + 3), I(info, at + 4),
          I(info, at + 5), I(info, at + 6), I(info, at + 7), B(info, at + 8)};
}

/** Memory format for the scratch tensors that only lend their sizes to convolution_backward. */
at::MemoryFormat likeInput(const Tensor& nchw) { return nchw.suggest_memory_format(); }

// conv2d(x, filter, ...convArgs)
OP(conv2d)
  Tensor x = toNCHW(get(U(info, 0)));
  ConvArgs c = convArgs(info, 2);
  const Tensor& f = cachedFilter(U(info, 1), c.depthwise);
  if (!c.symmetric()) x = at::constant_pad_nd(x, c.explicitPad(), 0);
  int64_t groups = c.depthwise ? x.size(1) : 1;
  RET(toNHWC(at::conv2d(x, f, {}, c.stride(), c.padding(), c.dilation(), groups)));
END

// conv2dBackpropInput(dy, filter, inputShape (NHWC), ...convArgs): also conv2dTranspose's forward.
OP(conv2dBackpropInput)
  Tensor dy = toNCHW(get(U(info, 0)));
  Ints in = ints(info[2]);
  ConvArgs c = convArgs(info, 3);
  const Tensor& f = cachedFilter(U(info, 1), c.depthwise);
  int64_t h = in[1] + (c.symmetric() ? 0 : c.top + c.bottom);
  int64_t w = in[2] + (c.symmetric() ? 0 : c.left + c.right);
  Tensor shapeOnly = at::empty({in[0], in[3], h, w}, dy.options(), likeInput(dy));
  int64_t groups = c.depthwise ? in[3] : 1;
  Tensor dx = std::get<0>(at::convolution_backward(
      dy, shapeOnly, f, c10::nullopt, c.stride(), c.padding(), c.dilation(),
      false, {0, 0}, groups, {true, false, false}));
  if (!c.symmetric()) dx = dx.narrow(2, c.top, in[1]).narrow(3, c.left, in[2]);
  RET(toNHWC(dx));
END

// conv2dBackpropFilter(x, dy, filterShape, ...convArgs)
OP(conv2dBackpropFilter)
  Tensor x = toNCHW(get(U(info, 0)));
  Tensor dy = toNCHW(get(U(info, 1)));
  Ints fs = ints(info[2]);
  ConvArgs c = convArgs(info, 3);
  if (!c.symmetric()) x = at::constant_pad_nd(x, c.explicitPad(), 0);
  int64_t groups = c.depthwise ? x.size(1) : 1;
  Ints torchShape = c.depthwise ? Ints{fs[2] * fs[3], 1, fs[0], fs[1]} : Ints{fs[3], fs[2], fs[0], fs[1]};
  Tensor shapeOnly = at::empty(torchShape, dy.options());
  Tensor dw = std::get<1>(at::convolution_backward(
      dy, x, shapeOnly, c10::nullopt, c.stride(), c.padding(), c.dilation(), false, {0, 0}, groups,
      {false, true, false}));
  RET(tfjsFilter(dw, fs, c.depthwise));
END

struct PoolArgs {
  int64_t kh, kw, sh, sw, top, bottom, left, right;
  Ints kernel() const { return {kh, kw}; }
  Ints stride() const { return {sh, sw}; }
  /** libtorch pads symmetrically, at most half the window. */
  bool native() const { return top == bottom && left == right && 2 * top <= kh && 2 * left <= kw; }
  Ints padding() const { return native() ? Ints{top, left} : Ints{0, 0}; }
  Ints explicitPad() const { return {left, right, top, bottom}; }
};

PoolArgs poolArgs(const Napi::CallbackInfo& info, size_t at) {
  return {I(info, at), I(info, at + 1), I(info, at + 2), I(info, at + 3), I(info, at + 4),
          I(info, at + 5), I(info, at + 6), I(info, at + 7)};
}

/** Number of real (not padding) input cells under each window, as [1, 1, oh, ow]. */
Tensor windowCounts(const PoolArgs& p, int64_t h, int64_t w, const at::TensorOptions& o) {
  Tensor ones = at::constant_pad_nd(at::ones({1, 1, h, w}, o), p.explicitPad(), 0);
  return at::avg_pool2d(ones, p.kernel(), p.stride(), {0, 0}, false, true, 1);
}

// avgPool(x, ...poolArgs): tfjs averages over the real cells only (padding is not counted).
OP(avgPool)
  Tensor x = toNCHW(get(U(info, 0)));
  PoolArgs p = poolArgs(info, 1);
  if (p.native()) RET(toNHWC(at::avg_pool2d(x, p.kernel(), p.stride(), p.padding(), false, false)));
  Tensor sums = at::avg_pool2d(at::constant_pad_nd(x, p.explicitPad(), 0), p.kernel(), p.stride(), {0, 0}, false, true, 1);
  RET(toNHWC(at::div(sums, windowCounts(p, x.size(2), x.size(3), x.options()))));
END

// avgPoolGrad(dy, x, ...poolArgs): tfjs's formula (every backend's, the cpu reference's): each
// window spreads its gradient with weight 1 / (window area), padding counted or not.
OP(avgPoolGrad)
  Tensor dy = toNCHW(get(U(info, 0)));
  Tensor x = toNCHW(get(U(info, 1)));
  PoolArgs p = poolArgs(info, 2);
  if (p.native()) {
    RET(toNHWC(at::avg_pool2d_backward(dy, x, p.kernel(), p.stride(), p.padding(), false, true, c10::nullopt)));
  }
  int64_t h = x.size(2), w = x.size(3);
  Tensor shapeOnly = at::empty({x.size(0), x.size(1), h + p.top + p.bottom, w + p.left + p.right}, dy.options(), likeInput(dy));
  Tensor dx = at::avg_pool2d_backward(dy, shapeOnly, p.kernel(), p.stride(), {0, 0}, false, true, c10::nullopt);
  RET(toNHWC(dx.narrow(2, p.top, h).narrow(3, p.left, w)));
END

Tensor maxPoolInput(const Tensor& nhwc, const PoolArgs& p) {
  Tensor x = toNCHW(nhwc);
  if (p.native()) return x;
  return at::constant_pad_nd(x, p.explicitPad(), -std::numeric_limits<double>::infinity());
}

// maxPool(x, ...poolArgs)
OP(maxPool)
  PoolArgs p = poolArgs(info, 1);
  Tensor x = maxPoolInput(get(U(info, 0)), p);
  RET(toNHWC(std::get<0>(at::max_pool2d_with_indices(x, p.kernel(), p.stride(), p.padding(), {1, 1}, false))));
END

// maxPoolGrad(dy, x, ...poolArgs)
OP(maxPoolGrad)
  Tensor dy = toNCHW(get(U(info, 0)));
  const Tensor& input = get(U(info, 1));
  PoolArgs p = poolArgs(info, 2);
  Tensor x = maxPoolInput(input, p);
  Tensor indices = std::get<1>(at::max_pool2d_with_indices(x, p.kernel(), p.stride(), p.padding(), {1, 1}, false));
  Tensor dx = at::max_pool2d_with_indices_backward(dy, x, p.kernel(), p.stride(), p.padding(), {1, 1}, false, indices);
  if (!p.native()) dx = dx.narrow(2, p.top, input.size(1)).narrow(3, p.left, input.size(2));
  RET(toNHWC(dx));
END

Napi::Array names(Napi::Env env, const char* const* list, size_t n) {
  auto a = Napi::Array::New(env, n);
  for (size_t i = 0; i < n; i++) a.Set(static_cast<uint32_t>(i), list[i]);
  return a;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto fn = [&](const char* name, Napi::Value (*f)(const Napi::CallbackInfo&)) {
    exports.Set(name, Napi::Function::New(env, f, name));
  };
  fn("init", init);
  fn("library", library);
  fn("setTF32", setTF32);
  fn("upload", upload);
  fn("download", download);
  fn("release", release);
  fn("releaseAll", releaseAll);
  fn("stats", stats);
  fn("shapeOf", shapeOf);
  fn("unary", unaryOp);
  fn("binary", binaryOp);
  fn("select", select);
  fn("clip", clip);
  fn("addN", addN);
  fn("cast", cast);
  fn("reduce", reduce);
  fn("argReduce", argReduce);
  fn("softmax", softmax);
  fn("cumulative", cumulative);
  fn("reshape", reshape);
  fn("transpose", transpose);
  fn("contiguous", contiguous);
  fn("slice", slice);
  fn("stridedSlice", stridedSlice);
  fn("concat", concat);
  fn("stack", stack);
  fn("split", split);
  fn("unstack", unstack);
  fn("tile", tile);
  fn("broadcastTo", broadcastTo);
  fn("pad", pad);
  fn("reverse", reverse);
  fn("gather", gather);
  fn("unsortedSegmentSum", unsortedSegmentSum);
  fn("fill", fill);
  fn("range", range);
  fn("oneHot", oneHot);
  fn("matmul", matmul);
  fn("conv2d", conv2d);
  fn("conv2dBackpropInput", conv2dBackpropInput);
  fn("conv2dBackpropFilter", conv2dBackpropFilter);
  fn("avgPool", avgPool);
  fn("avgPoolGrad", avgPoolGrad);
  fn("maxPool", maxPool);
  fn("maxPoolGrad", maxPoolGrad);
  exports.Set("unaryOps", names(env, unaryNames, UNARY_COUNT));
  exports.Set("binaryOps", names(env, binaryNames, BINARY_COUNT));
  exports.Set("reduceOps", names(env, reduceNames, REDUCE_COUNT));
  return exports;
}

}  // namespace

NODE_API_MODULE(gqn_torch, Init)
