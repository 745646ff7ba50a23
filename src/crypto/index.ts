export { aesGcmDecrypt, aesGcmEncrypt } from './aead.js';
export {
  generateKeyPair,
  type KeyPair,
  newPrivateKeySigner,
  privateKeyFrom,
  privateKeyToPem,
  publicKeyFrom,
  publicKeyToPem,
  type Signer,
  signBytes,
  verifyBytes,
} from './ecdsa.js';
export { eciesDecrypt, eciesEncrypt, eciesRecipients, publicKeyId } from './ecies.js';
export { CryptoErrorCodes } from './errors.js';
export { sha256, sha256Hex } from './hash.js';
export { type MerkleStep, merkleLeafHash, merklePath, merkleRoot, merkleRootFromPath } from './merkle.js';
