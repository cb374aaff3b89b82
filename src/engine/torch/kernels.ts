/**
 * The kernels of the `torch` backend: each turns tfjs's inputs and attributes into one call (a
 * few for fused kernels) to the addon. Shapes and padding follow tfjs's own helpers
 * (backend_util, slice_util), so every kernel computes what the `cpu` backend computes; the
 * parity tests (test/engine/torch-kernels.test.ts) hold them to it.
 */
import {
  backend_util,
  registerKernel,
  slice_util,
  util,
  type DataType,
  type KernelConfig,
  type KernelFunc,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import { dtypeCode, type BackendTorch } from './backend.js';
import type { ConvNumbers, PoolNumbers, TorchNative } from './native.js';

type Args = { inputs: NamedTensorInfoMap; backend: BackendTorch; attrs: object };
type Kernel = (args: Args) => TensorInfo | TensorInfo[];

type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;
type Pair = number | [number, number];
type Rounding = 'floor' | 'round' | 'ceil' | undefined;
type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'prelu' | 'leakyrelu' | 'sigmoid';

const kernels: Record<string, Kernel> = {};

function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const t = inputs[name];
  if (t == null) throw new Error(`torch backend: missing input '${name}'`);
  return t;
}

function axes(axis: number | number[] | null | undefined, shape: number[]): number[] {
  return util.parseAxisParam(axis ?? shape.map((_, i) => i), shape);
}

/** The same tensor under a new DataId (kernels must return fresh outputs). */
function identity(be: BackendTorch, x: TensorInfo, op: number): TensorInfo {
  return be.out(be.native.unary(op, be.idOf(x), 0));
}

export function defineTorchKernels(native: TorchNative): void {
  const unaryCode = (name: string) => native.unaryOps.indexOf(name);
  const IDENTITY = unaryCode('Identity');

  // ---- elementwise -------------------------------------------------------------------------

  for (const [code, name] of native.unaryOps.entries()) {
    if (name === 'LeakyRelu' || name === 'Step') {
      kernels[name] = ({ inputs, backend: be, attrs }) =>
        be.out(native.unary(code, be.idOf(input(inputs, 'x')), (attrs as { alpha: number }).alpha));
    } else {
      kernels[name] = ({ inputs, backend: be }) => be.out(native.unary(code, be.idOf(input(inputs, 'x')), 0));
    }
  }
  for (const [code, name] of native.binaryOps.entries()) {
    const [a, b] = name === 'Prelu' ? ['x', 'alpha'] : name === 'EluGrad' ? ['dy', 'y'] : ['a', 'b'];
    kernels[name] = ({ inputs, backend: be }) => be.out(native.binary(code, be.idOf(input(inputs, a)), be.idOf(input(inputs, b))));
  }
  kernels.Select = ({ inputs, backend: be }) => be.out(native.select(
    be.idOf(input(inputs, 'condition')), be.idOf(input(inputs, 't')), be.idOf(input(inputs, 'e'))));
  kernels.ClipByValue = ({ inputs, backend: be, attrs }) => {
    const { clipValueMin, clipValueMax } = attrs as { clipValueMin: number; clipValueMax: number };
    return be.out(native.clip(be.idOf(input(inputs, 'x')), clipValueMin, clipValueMax));
  };
  kernels.AddN = ({ inputs, backend: be }) => {
    const list = Object.values(inputs) as TensorInfo[];
    return be.out(native.addN(list.map((t) => be.idOf(t))));
  };
  kernels.Cast = ({ inputs, backend: be, attrs }) => {
    const x = input(inputs, 'x');
    const { dtype } = attrs as { dtype: DataType };
    if (dtype === x.dtype) return identity(be, x, IDENTITY);
    return be.out(native.cast(be.idOf(x), dtypeCode(dtype)));
  };

  // ---- reductions ----------------------------------------------------------------------------

  for (const [code, name] of native.reduceOps.entries()) {
    kernels[name] = ({ inputs, backend: be, attrs }) => {
      const x = input(inputs, 'x');
      const a = attrs as { axis?: number | number[]; reductionIndices?: number | number[]; keepDims: boolean };
      const dims = axes(name === 'Max' ? a.reductionIndices : a.axis, x.shape);
      if (dims.length === 0) return identity(be, x, IDENTITY);
      return be.out(native.reduce(code, be.idOf(x), dims, a.keepDims));
    };
  }
  for (const [name, isMax] of [['ArgMax', true], ['ArgMin', false]] as const) {
    kernels[name] = ({ inputs, backend: be, attrs }) => {
      const x = input(inputs, 'x');
      return be.out(native.argReduce(isMax, be.idOf(x), axes((attrs as { axis: number }).axis, x.shape)[0]));
    };
  }
  kernels.Softmax = ({ inputs, backend: be, attrs }) => {
    const x = input(inputs, 'logits');
    return be.out(native.softmax(be.idOf(x), axes((attrs as { dim: number }).dim, x.shape)[0]));
  };
  for (const [name, product] of [['Cumsum', false], ['Cumprod', true]] as const) {
    kernels[name] = ({ inputs, backend: be, attrs }) => {
      const x = input(inputs, 'x');
      const { axis, exclusive, reverse } = attrs as { axis: number; exclusive: boolean; reverse: boolean };
      return be.out(native.cumulative(be.idOf(x), axes(axis, x.shape)[0], exclusive, reverse, product));
    };
  }

  // ---- shapes and rearrangement --------------------------------------------------------------

  kernels.Reshape = ({ inputs, backend: be, attrs }) => {
    const x = input(inputs, 'x');
    const shape = util.inferFromImplicitShape((attrs as { shape: number[] }).shape, util.sizeFromShape(x.shape));
    return be.out(native.reshape(be.idOf(x), shape));
  };
  kernels.ExpandDims = ({ inputs, backend: be, attrs }) => {
    const x = input(inputs, 'input');
    const { dim } = attrs as { dim: number };
    const shape = x.shape.slice();
    shape.splice(dim < 0 ? x.shape.length + dim + 1 : dim, 0, 1);
    return be.out(native.reshape(be.idOf(x), shape));
  };
  kernels.Transpose = ({ inputs, backend: be, attrs }) =>
    be.out(native.transpose(be.idOf(input(inputs, 'x')), (attrs as { perm: number[] }).perm));
  kernels.Slice = ({ inputs, backend: be, attrs }) => {
    const x = input(inputs, 'x');
    const { begin, size } = attrs as { begin: number | number[]; size: number | number[] };
    const [b, s] = slice_util.parseSliceParams(x, begin, size);
    return be.out(native.slice(be.idOf(x), b, s));
  };
  kernels.StridedSlice = ({ inputs, backend: be, attrs }) => {
    const x = input(inputs, 'x');
    const a = attrs as {
      begin: number[]; end: number[]; strides: number[];
      beginMask: number; endMask: number; ellipsisMask: number; newAxisMask: number; shrinkAxisMask: number;
    };
    const info = slice_util.sliceInfo(x.shape, a.begin, a.end, a.strides, a.beginMask, a.endMask,
      a.ellipsisMask, a.newAxisMask, a.shrinkAxisMask);
    const id = be.idOf(x);
    if (info.isIdentity) return be.out(native.reshape(id, info.finalShape));
    const counts = slice_util.computeOutShape(info.begin, info.end, info.strides).map((c) => Math.max(0, c));
    if (info.sliceDim0 || info.isSimpleSlice) {
      const sliced = be.out(native.slice(id, info.begin, counts));
      const result = be.out(native.reshape(be.idOf(sliced), info.finalShape));
      be.release(sliced);
      return result;
    }
    return be.out(native.stridedSlice(id, info.begin, counts, info.strides, info.finalShape));
  };
  kernels.Concat = ({ inputs, backend: be, attrs }) => {
    const list = Object.values(inputs) as TensorInfo[];
    const axis = axes((attrs as { axis: number }).axis, list[0].shape)[0];
    // tfjs lets empty tensors of any other shape join in; libtorch would not.
    const nonEmpty = list.filter((t) => util.sizeFromShape(t.shape) > 0);
    const parts = nonEmpty.length > 0 ? nonEmpty : list;
    return be.out(native.concat(parts.map((t) => be.idOf(t)), axis));
  };
  kernels.Pack = ({ inputs, backend: be, attrs }) => {
    const list = Object.values(inputs) as TensorInfo[];
    const { axis } = attrs as { axis: number };
    const rank = list[0].shape.length + 1;
    return be.out(native.stack(list.map((t) => be.idOf(t)), axis < 0 ? axis + rank : axis));
  };
  kernels.Unpack = ({ inputs, backend: be, attrs }) => {
    const x = input(inputs, 'value');
    const axis = axes((attrs as { axis: number }).axis, x.shape)[0];
    const shape = x.shape.filter((_, i) => i !== axis);
    return native.unstack(be.idOf(x), axis).map((id) => be.outWithShape(id, shape, x.dtype));
  };
  kernels.SplitV = ({ inputs, backend: be, attrs }) => {
    const x = input(inputs, 'x');
    const { numOrSizeSplits, axis } = attrs as { numOrSizeSplits: number | number[]; axis: number };
    const dim = axes(axis, x.shape)[0];
    const sizes = backend_util.prepareSplitSize(x, numOrSizeSplits, dim);
    return native.split(be.idOf(x), sizes, dim).map((id, i) => {
      const shape = x.shape.slice();
      shape[dim] = sizes[i];
      return be.outWithShape(id, shape, x.dtype);
    });
  };
  kernels.Tile = ({ inputs, backend: be, attrs }) =>
    be.out(native.tile(be.idOf(input(inputs, 'x')), (attrs as { reps: number[] }).reps));
  kernels.BroadcastTo = ({ inputs, backend: be, attrs }) =>
    be.out(native.broadcastTo(be.idOf(input(inputs, 'x')), (attrs as { shape: number[] }).shape));
  kernels.PadV2 = ({ inputs, backend: be, attrs }) => {
    const { paddings, constantValue } = attrs as { paddings: [number, number][]; constantValue: number };
    return be.out(native.pad(be.idOf(input(inputs, 'x')), paddings.flat(), constantValue));
  };
  kernels.Reverse = ({ inputs, backend: be, attrs }) => {
    const x = input(inputs, 'x');
    const dims = axes((attrs as { dims: number | number[] }).dims, x.shape);
    if (dims.length === 0) return identity(be, x, IDENTITY);
    return be.out(native.reverse(be.idOf(x), dims));
  };
  kernels.GatherV2 = ({ inputs, backend: be, attrs }) => {
    const x = input(inputs, 'x');
    const { axis, batchDims } = attrs as { axis: number; batchDims: number };
    if (batchDims) throw new Error('torch backend: GatherV2 with batchDims > 0 is not implemented');
    return be.out(native.gather(be.idOf(x), be.idOf(input(inputs, 'indices')), axes(axis, x.shape)[0]));
  };
  kernels.UnsortedSegmentSum = ({ inputs, backend: be, attrs }) => be.out(native.unsortedSegmentSum(
    be.idOf(input(inputs, 'x')), be.idOf(input(inputs, 'segmentIds')), (attrs as { numSegments: number }).numSegments));
  kernels.Fill = ({ backend: be, attrs }) => {
    const { shape, value, dtype } = attrs as { shape: number[]; value: number; dtype: DataType };
    return be.out(native.fill(shape, Number(value), dtypeCode(dtype ?? 'float32')));
  };
  kernels.Range = ({ backend: be, attrs }) => {
    const { start, stop, step, dtype } = attrs as { start: number; stop: number; step: number; dtype: DataType };
    // tfjs's rules for empty ranges, including its `step > 1` for decreasing ones.
    const empty = start === stop || (start < stop && step < 0) || (stop < start && step > 1);
    const count = empty ? 0 : Math.abs(Math.ceil((stop - start) / step));
    return be.out(native.range(start, step, count, dtypeCode(dtype)));
  };
  kernels.OneHot = ({ inputs, backend: be, attrs }) => {
    const { depth, onValue, offValue, dtype } = attrs as { depth: number; onValue: number; offValue: number; dtype: DataType };
    return be.out(native.oneHot(be.idOf(input(inputs, 'indices')), depth, onValue, offValue, dtypeCode(dtype)));
  };

  // ---- matrix multiplication -----------------------------------------------------------------

  kernels.BatchMatMul = ({ inputs, backend: be, attrs }) => {
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    return be.out(native.matmul(be.idOf(input(inputs, 'a')), be.idOf(input(inputs, 'b')), transposeA, transposeB));
  };
  kernels._FusedMatMul = ({ inputs, backend: be, attrs }) => {
    const { transposeA, transposeB, activation, leakyreluAlpha } = attrs as {
      transposeA: boolean; transposeB: boolean; activation: Activation; leakyreluAlpha?: number;
    };
    const y = be.out(native.matmul(be.idOf(input(inputs, 'a')), be.idOf(input(inputs, 'b')), transposeA, transposeB));
    return biasAndActivation(be, y, inputs.bias, activation, inputs.preluActivationWeights, leakyreluAlpha);
  };

  // ---- convolutions and pools ----------------------------------------------------------------

  kernels.Conv2D = ({ inputs, backend: be, attrs }) => {
    const x = input(inputs, 'x');
    const filter = input(inputs, 'filter');
    const a = attrs as ConvAttrs;
    const info = convInfo(x.shape, filter.shape, a, false);
    return checked(be, native.conv2d(be.idOf(x), be.idOf(filter), ...convNumbers(info, false)), info.outShape, 'Conv2D');
  };
  kernels.FusedConv2D = ({ inputs, backend: be, attrs }) => {
    const x = input(inputs, 'x');
    const filter = input(inputs, 'filter');
    const a = attrs as ConvAttrs & { activation: Activation; leakyreluAlpha?: number };
    const info = convInfo(x.shape, filter.shape, a, false);
    const y = checked(be, native.conv2d(be.idOf(x), be.idOf(filter), ...convNumbers(info, false)), info.outShape, 'FusedConv2D');
    return biasAndActivation(be, y, inputs.bias, a.activation, inputs.preluActivationWeights, a.leakyreluAlpha);
  };
  kernels.DepthwiseConv2dNative = ({ inputs, backend: be, attrs }) => {
    const x = input(inputs, 'x');
    const filter = input(inputs, 'filter');
    const info = convInfo(x.shape, filter.shape, attrs as ConvAttrs, true);
    return checked(be, native.conv2d(be.idOf(x), be.idOf(filter), ...convNumbers(info, true)), info.outShape, 'DepthwiseConv2dNative');
  };
  for (const [name, depthwise] of [['Conv2DBackpropInput', false], ['DepthwiseConv2dNativeBackpropInput', true]] as const) {
    kernels[name] = ({ inputs, backend: be, attrs }) => {
      const dy = input(inputs, 'dy');
      const filter = input(inputs, 'filter');
      const a = attrs as ConvAttrs & { inputShape: number[] };
      const info = convInfo(a.inputShape, filter.shape, a, depthwise);
      return checked(be, native.conv2dBackpropInput(be.idOf(dy), be.idOf(filter), a.inputShape, ...convNumbers(info, depthwise)),
        a.inputShape, name);
    };
  }
  for (const [name, depthwise] of [['Conv2DBackpropFilter', false], ['DepthwiseConv2dNativeBackpropFilter', true]] as const) {
    kernels[name] = ({ inputs, backend: be, attrs }) => {
      const x = input(inputs, 'x');
      const dy = input(inputs, 'dy');
      const a = attrs as ConvAttrs & { filterShape: number[] };
      const info = convInfo(x.shape, a.filterShape, a, depthwise);
      return checked(be, native.conv2dBackpropFilter(be.idOf(x), be.idOf(dy), a.filterShape, ...convNumbers(info, depthwise)),
        a.filterShape, name);
    };
  }
  kernels.AvgPool = ({ inputs, backend: be, attrs }) => {
    const x = input(inputs, 'x');
    const info = poolInfo(x.shape, attrs as PoolAttrs);
    return checked(be, native.avgPool(be.idOf(x), ...poolNumbers(info)), info.outShape, 'AvgPool');
  };
  kernels.MaxPool = ({ inputs, backend: be, attrs }) => {
    const x = input(inputs, 'x');
    const info = poolInfo(x.shape, attrs as PoolAttrs);
    return checked(be, native.maxPool(be.idOf(x), ...poolNumbers(info)), info.outShape, 'MaxPool');
  };
  kernels.AvgPoolGrad = ({ inputs, backend: be, attrs }) => {
    const x = input(inputs, 'input');
    const info = poolInfo(x.shape, attrs as PoolAttrs);
    return checked(be, native.avgPoolGrad(be.idOf(input(inputs, 'dy')), be.idOf(x), ...poolNumbers(info)), x.shape, 'AvgPoolGrad');
  };
  kernels.MaxPoolGrad = ({ inputs, backend: be, attrs }) => {
    const x = input(inputs, 'input');
    const info = poolInfo(x.shape, attrs as PoolAttrs);
    return checked(be, native.maxPoolGrad(be.idOf(input(inputs, 'dy')), be.idOf(x), ...poolNumbers(info)), x.shape, 'MaxPoolGrad');
  };

  function biasAndActivation(be: BackendTorch, y: TensorInfo, bias: TensorInfo | undefined, activation: Activation,
    preluWeights: TensorInfo | undefined, leakyAlpha = 0.2): TensorInfo {
    let out = y;
    const step = (next: number) => {
      const result = be.out(next);
      be.release(out);
      out = result;
    };
    if (bias != null) step(native.binary(native.binaryOps.indexOf('Add'), be.idOf(out), be.idOf(bias)));
    switch (activation ?? 'linear') {
      case 'linear': break;
      case 'prelu':
        if (preluWeights == null) throw new Error('torch backend: prelu activation without weights');
        step(native.binary(native.binaryOps.indexOf('Prelu'), be.idOf(out), be.idOf(preluWeights)));
        break;
      case 'leakyrelu': step(native.unary(unaryCode('LeakyRelu'), be.idOf(out), leakyAlpha)); break;
      case 'relu': step(native.unary(unaryCode('Relu'), be.idOf(out), 0)); break;
      case 'relu6': step(native.unary(unaryCode('Relu6'), be.idOf(out), 0)); break;
      case 'elu': step(native.unary(unaryCode('Elu'), be.idOf(out), 0)); break;
      case 'sigmoid': step(native.unary(unaryCode('Sigmoid'), be.idOf(out), 0)); break;
      default: throw new Error(`torch backend: activation '${activation as string}' is not implemented`);
    }
    return out;
  }
}

interface ConvAttrs {
  strides: Pair;
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: Pair;
  dimRoundingMode?: Rounding;
}

interface PoolAttrs {
  filterSize: Pair;
  strides: Pair;
  pad: Pad;
  dimRoundingMode?: Rounding;
}

type Shape4 = [number, number, number, number];

function convInfo(xShape: number[], filterShape: number[], a: ConvAttrs, depthwise: boolean) {
  if (a.dataFormat === 'NCHW') throw new Error('torch backend: only NHWC convolutions are implemented');
  return backend_util.computeConv2DInfo(xShape as Shape4, filterShape as Shape4, a.strides, a.dilations ?? 1, a.pad,
    a.dimRoundingMode, depthwise);
}

function convNumbers(info: backend_util.Conv2DInfo, depthwise: boolean): ConvNumbers {
  const p = info.padInfo;
  return [info.strideHeight, info.strideWidth, p.top, p.bottom, p.left, p.right, info.dilationHeight, info.dilationWidth, depthwise];
}

function poolInfo(xShape: number[], a: PoolAttrs) {
  return backend_util.computePool2DInfo(xShape as Shape4, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
}

function poolNumbers(info: backend_util.Conv2DInfo): PoolNumbers {
  const p = info.padInfo;
  return [info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, p.top, p.bottom, p.left, p.right];
}

/** Wraps a result and checks it has the shape tfjs computed (padding modes libtorch lacks). */
function checked(be: BackendTorch, id: number, expected: number[], name: string): TensorInfo {
  const y = be.out(id);
  if (y.shape.length !== expected.length || y.shape.some((d, i) => d !== expected[i])) {
    be.release(y);
    throw new Error(`torch backend: ${name} made [${y.shape}] where tfjs expects [${expected}] (unsupported padding/rounding)`);
  }
  return y;
}

let registered = false;

/** Registers every kernel for the `torch` backend (once). */
export function registerTorchKernels(native: TorchNative): string[] {
  if (!registered) {
    defineTorchKernels(native);
    for (const [kernelName, kernelFunc] of Object.entries(kernels)) {
      const config: KernelConfig = { kernelName, backendName: 'torch', kernelFunc: kernelFunc as unknown as KernelFunc };
      registerKernel(config);
    }
    registered = true;
  }
  return Object.keys(kernels).sort();
}
