export { BlockCutter } from './blockCutter.js';
export { OrdererErrorCodes } from './errors.js';
export { SoloOrderer, type SoloOrdererOptions } from './soloOrderer.js';
