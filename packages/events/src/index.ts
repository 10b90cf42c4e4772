export * from './bus';
export * from './contracts';
export * from './memory-bus';
