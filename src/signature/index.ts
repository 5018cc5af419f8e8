export { sign, newMessageId, type SignOptions, type SignedMessage } from './sign.js';
export {
  verify,
  createVerifier,
  type VerifierOptions,
  type SignedDelivery,
  DEFAULT_TOLERANCE_SECONDS,
  RECORDED_DELIVERY_HINT,
  type VerifyOptions,
  type VerifyResult,
  type VerifySuccess,
  type VerifyFailure,
  type VerifyFailureReason,
} from './verify.js';
export { parseSecret, maskSecret, DEFAULT_TEST_SECRET, type ParsedSecret } from './secret.js';
export {
  readWebhookHeaders,
  readLowerCaseWebhookHeaders,
  normalizeHeaders,
  parseHeaderDump,
  WEBHOOK_HEADER_NAMES,
  SIGNATURE_HEADER_NAMES,
  type HeaderFamily,
  type HeaderInput,
  type WebhookHeaders,
} from './headers.js';
