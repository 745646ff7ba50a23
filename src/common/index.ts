export { bytesEqual, concatBytes, fromBase64, fromHex, fromUtf8, toBase64, toHex, utf8 } from './bytes.js';
export { canonicalJson } from './canonicalJson.js';
export { type DiskUsage, diskUsage } from './diskUsage.js';
export { CommonErrorCodes, ConsortiaError, isConsortiaError, toConsortiaError } from './errors.js';
export { type Logger, silentLogger } from './logger.js';
