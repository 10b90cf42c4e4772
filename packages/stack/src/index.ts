export * from './compose';
export * from './demo-data';
export * from './graphql-client';
export * from './start-stack';
