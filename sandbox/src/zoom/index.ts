// The Zoom meeting-registrants simulator (REST v2, server-to-server OAuth, v0-signed webhooks): in-process or `kongo sim zoom`.
export {
  DEFAULT_ZOOM_LIMITS,
  DEMO_ZOOM_APP,
  startZoomSimulator,
  ZOOM_RETRY_DELAYS_MS,
  type ZoomCredentials,
  type ZoomLimits,
  type ZoomSimulator,
  type ZoomSimulatorOptions,
  zoomEncryptedToken,
  zoomSignature,
} from './simulator.ts';
export {
  DEFAULT_MEETING,
  type Meeting,
  REGISTRANT_STATUSES,
  type Registrant,
  type RegistrantChange,
  type RegistrantStatus,
  STATUS_ACTIONS,
  ZoomStore,
} from './store.ts';
