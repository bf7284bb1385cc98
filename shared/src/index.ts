export * from './protocol.js';
export * from './errors.js';
export * from './schemas.js';
export * from './events.js';
export * from './seq-buffer.js';
export * from './validation.js';
export * from './event-clock.js';
