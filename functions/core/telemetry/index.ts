export * from './propagation.js';
export * from './tracing.js';
