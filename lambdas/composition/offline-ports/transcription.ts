import type { OfflinePort } from './offline-port.js';

/** Offline, no line is transcribed: subtitles are timed by each line's measured audio, so the port is bound to nothing. */
export const offlineTranscription: OfflinePort<'transcription'> = async () => undefined;
