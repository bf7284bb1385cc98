import { inject } from 'vitest';
import { makeStore } from '../support/board.js';
import { describeStore } from './describe-store.js';

describeStore('memory', (opts) => makeStore('memory', '', opts));
describeStore('redis', (opts) => makeStore('redis', inject('redisUrl'), opts));
