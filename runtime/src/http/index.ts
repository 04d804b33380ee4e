/** Web-standard Request/Response plumbing and the thin Lambda adapters (HTTP API v2, SQS). */
export {
  type ApiGatewayV2Handler,
  apiGatewayV2Handler,
  type FetchHandler,
  fromApiGatewayV2Result,
  isTextContentType,
  requestFromApiGatewayV2Event,
  toApiGatewayV2Event,
  toApiGatewayV2Result,
} from './api-gateway.ts';
export { type CappedBody, readBodyCapped } from './body.ts';
export {
  receivedMessageFromSqsRecord,
  type SqsBatchHandler,
  type SqsBatchOutcome,
  sqsBatchHandler,
} from './sqs.ts';
