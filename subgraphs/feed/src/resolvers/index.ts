import type { Resolvers } from '../__generated__/resolvers-types';
import { Query } from './Query';

/** Post needs no resolvers here: it is a reference (`resolvable: false`) whose only field is its id. */
export const resolvers: Resolvers = { Query };
