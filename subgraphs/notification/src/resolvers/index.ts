import type { Resolvers } from '../__generated__/resolvers-types';
import { Mutation } from './Mutation';
import { Notification } from './Notification';
import { Query } from './Query';

export const resolvers: Resolvers = { Query, Mutation, Notification };
