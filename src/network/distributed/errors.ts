/** Codes of distributed node configs and processes. */
export const DistributedErrorCodes = {
  /** A node config file is missing, not JSON, invalid, or for another kind of node. */
  INVALID_NODE_CONFIG: 'INVALID_NODE_CONFIG',
  /** A node process could not be started (its executable is missing). */
  NODE_START_FAILED: 'NODE_START_FAILED',
  /** A node process exited while starting; the message quotes its log. */
  NODE_FAILED: 'NODE_FAILED',
  /** A node did not become ready in time. */
  NODE_TIMEOUT: 'NODE_TIMEOUT',
  /** The data dir holds something else than a distributed network. */
  DATA_DIR_FOREIGN: 'DATA_DIR_FOREIGN',
  /** The data dir holds no distributed network yet. */
  DATA_DIR_NOT_FOUND: 'DATA_DIR_NOT_FOUND',
  /** The manifest is unreadable. */
  DATA_DIR_CORRUPT: 'DATA_DIR_CORRUPT',
  /** A listen address is taken. */
  PORT_UNAVAILABLE: 'PORT_UNAVAILABLE',
} as const;
