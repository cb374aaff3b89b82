/**
 * The wasm backend runs in a 32-bit WebAssembly memory: at most 4 GiB for every tensor, weight
 * and scratch buffer at once. Asking for more aborts the module (it prints `Aborted()`), so
 * commands estimate their biggest allocations first and refuse with a message naming the flag.
 */
export const WASM_HEAP_BYTES = 4 * 2 ** 30;

export function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

/**
 * Throws when `bytes` (an estimate of what must be live at once) is over the wasm heap; other
 * backends have no such fixed cap and are not checked. `subject` names what to lower, e.g.
 * `--batch 100000`.
 */
export function checkWasmHeap(backend: string, bytes: number, subject: string): void {
  if (backend !== 'wasm' || bytes <= WASM_HEAP_BYTES) return;
  throw new Error(`${subject}: needs about ${formatBytes(bytes)} of tensors at once, more than the wasm backend's ${formatBytes(WASM_HEAP_BYTES)} heap; lower it`);
}
