export { BlockCutter } from './blockCutter.js';
export { BroadcastLimiter, type BroadcastLimiterOptions } from './broadcastLimiter.js';
export { type CheckedEnvelope, checkEnvelope } from './checkEnvelope.js';
export { OrdererErrorCodes } from './errors.js';
export { EtcdOrdererErrorCodes } from './etcd/errors.js';
export { type LogCut, LogCutter, type LogCutterOptions, type LogPosition } from './etcd/logCutter.js';
export { decodeLogEntry, encodeLogEntry, type LogEntry } from './etcd/logEntry.js';
export { type EtcdConnection, EtcdOrderer, type EtcdOrdererOptions } from './etcdOrderer.js';
export { SoloOrderer, type SoloOrdererOptions } from './soloOrderer.js';
