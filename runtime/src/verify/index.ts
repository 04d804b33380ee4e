/** Webhook signature verification on raw bytes, with the scheme the spec names. */
export { decodeHubSpotUri } from './hubspot-uri.ts';
export { createRecipeVerifier, recipeHmac, recipeKey } from './recipe.ts';
export { type SourceVerification, verificationFor } from './spec-scheme.ts';
export type {
  SignedRequest,
  VerificationScheme,
  Verifier,
  VerifierOptions,
  VerifyFailureReason,
  VerifyResult,
} from './types.ts';
export { createVerifier } from './verifier.ts';
