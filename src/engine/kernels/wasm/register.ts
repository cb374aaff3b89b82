/**
 * Replaces and adds the `wasm` kernels that training needs (see each file for why).
 * Idempotent: safe to call before or after the backend is initialised.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';

import { batchMatMulConfig, setStockBatchMatMul } from './batch-matmul.js';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { conv2dConfig, setStockConv2D } from './conv2d.js';
import { reverseConfig, setStockReverse } from './reverse.js';
import { setStockTile, tileConfig } from './tile.js';
import { avgPoolGradConfig } from './avg-pool-grad.js';

const ours: KernelConfig[] = [conv2dConfig, tileConfig, avgPoolGradConfig, conv2DBackpropFilterConfig, conv2DBackpropInputConfig, batchMatMulConfig, reverseConfig];

let registered = false;

export function registerWasmTrainingKernels(): void {
  if (registered) return;
  const stockMatMul = getKernel('BatchMatMul', 'wasm');
  const stockReverse = getKernel('Reverse', 'wasm');
  const stockConv2D = getKernel('Conv2D', 'wasm');
  const stockTile = getKernel('Tile', 'wasm');
  if (stockMatMul == null || stockReverse == null || stockConv2D == null || stockTile == null) {
    throw new Error('registerWasmTrainingKernels: import @tensorflow/tfjs-backend-wasm first');
  }
  setStockBatchMatMul(stockMatMul.kernelFunc);
  setStockReverse(stockReverse.kernelFunc);
  // The stock kernels bind their wasm entry points in setupFunc when the backend starts.
  batchMatMulConfig.setupFunc = stockMatMul.setupFunc;
  reverseConfig.setupFunc = stockReverse.setupFunc;
  setStockConv2D(stockConv2D.kernelFunc);
  conv2dConfig.setupFunc = stockConv2D.setupFunc;
  setStockTile(stockTile.kernelFunc);
  tileConfig.setupFunc = stockTile.setupFunc;
  for (const config of ours) {
    if (getKernel(config.kernelName, 'wasm') != null) unregisterKernel(config.kernelName, 'wasm');
    registerKernel(config);
  }
  registered = true;
}
