#!/usr/bin/env node
// Entry point for `npx gqn`: runs the TypeScript CLI through tsx's loader so that no build step
// is needed before first use.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
