/** Codes the gRPC transport adds (errors of the nodes themselves keep their own codes). */
export const GrpcErrorCodes = {
  /** The node could not be reached, or the link broke: retry, or fail over to another node. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** A message was larger than the link allows. */
  MESSAGE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  /** A request could not be decoded. */
  MALFORMED_REQUEST: 'MALFORMED_REQUEST',
  /** The TLS client certificate is not from a consortium TLS CA, or not for this channel. */
  TLS_REFUSED: 'TLS_REFUSED',
  /**
   * The TLS client certificate is revoked by a CRL of its org's TLS CA in a channel
   * configuration in force on the node: the client needs a new TLS certificate.
   */
  TLS_CERT_REVOKED: 'TLS_CERT_REVOKED',
  /** TLS certificate, key or CA files are missing or unreadable. */
  TLS_CONFIG: 'TLS_CONFIG',
  /** The node answered with a gRPC error that carried no Consortia error. */
  TRANSPORT_ERROR: 'TRANSPORT_ERROR',
  /** Too many requests from one client: slow down and retry. */
  RATE_LIMITED: 'RATE_LIMITED',
} as const;
