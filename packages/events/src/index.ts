export * from './bus';
export * from './contracts';
export * from './create-bus';
export * from './jetstream-bus';
export * from './memory-bus';
export * from './live';
