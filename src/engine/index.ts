export { setupEngine, shutdownEngine, engineInfo, isNode, NODE_BACKENDS, BROWSER_BACKENDS } from './setup.js';
export type { BackendName, EngineInfo, EngineOptions } from './setup.js';
export { checkKernelCoverage } from './coverage.js';
export type { CoverageReport, OpCoverage } from './coverage.js';
