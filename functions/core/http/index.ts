export * from './apigw.js';
export * from './body.js';
export * from './errors.js';
export * from './json.js';
export * from './negotiate.js';
