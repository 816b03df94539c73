import { XMLBuilder } from 'fast-xml-parser';

/**
 * An episode as an editor's timeline, in whole frames at the manifest's fps: the picture
 * is the delivered MP4, cut into its scenes; the voices are a stem laid out on the same
 * frame grid; the subtitles are the burned-in cues. Every file is named relative to the
 * export, which is delivered next to it, so the folder opens wherever it is copied.
 */
export interface EditorTimeline {
  /** The production's title; the FCPXML event. */
  production: string;
  /** The episode's title; the timeline's and the FCPXML project's name. */
  title: string;
  fps: number;
  width: number;
  height: number;
  frameCount: number;
  /** The delivered episode: picture for every scene (its own mix comes with it in the MP4). */
  picture: MediaFile;
  /** The scenes' voices, end to end, exactly `frameCount` frames long. */
  voices: MediaFile;
  /** A music bed under the whole episode, when the episode has one. */
  music?: MediaFile;
  scenes: { id: string; startFrame: number; frames: number }[];
  subtitles: { startFrame: number; frames: number; speaker: string; text: string }[];
}

export interface MediaFile {
  /** Relative to the export. */
  file: string;
  audioChannels: number;
  audioRate: number;
}

/** Cues from seconds to frames on the episode's grid, at least one frame each, kept inside the episode. */
export function cuesOnFrameGrid(
  cues: { startSeconds: number; endSeconds: number; speaker?: string; text: string }[],
  fps: number,
  frameCount: number,
): EditorTimeline['subtitles'] {
  return cues
    .map((cue) => {
      const startFrame = Math.min(frameCount - 1, Math.max(0, Math.round(cue.startSeconds * fps)));
      const endFrame = Math.min(frameCount, Math.max(startFrame + 1, Math.round(cue.endSeconds * fps)));
      return { startFrame, frames: endFrame - startFrame, speaker: cue.speaker ?? '', text: cue.text };
    })
    .filter((cue) => cue.frames > 0);
}

// OpenTimelineIO's JSON (https://opentimelineio.readthedocs.io, "File Format Specification"):
// every object names its schema and version in OTIO_SCHEMA.

const rationalTime = (value: number, rate: number) => ({ OTIO_SCHEMA: 'RationalTime.1', rate, value });
const timeRange = (start: number, duration: number, rate: number) => ({
  OTIO_SCHEMA: 'TimeRange.1',
  duration: rationalTime(duration, rate),
  start_time: rationalTime(start, rate),
});

function otioClip(name: string, media: MediaFile, timeline: EditorTimeline, startFrame: number, frames: number) {
  return {
    OTIO_SCHEMA: 'Clip.2',
    metadata: {},
    name,
    source_range: timeRange(startFrame, frames, timeline.fps),
    effects: [],
    markers: [],
    enabled: true,
    media_references: {
      DEFAULT_MEDIA: {
        OTIO_SCHEMA: 'ExternalReference.1',
        metadata: {},
        name: media.file,
        available_range: timeRange(0, timeline.frameCount, timeline.fps),
        available_image_bounds: null,
        target_url: media.file,
      },
    },
    active_media_reference_key: 'DEFAULT_MEDIA',
  };
}

function otioTrack(name: string, kind: 'Video' | 'Audio', children: unknown[]) {
  return {
    OTIO_SCHEMA: 'Track.1',
    metadata: {},
    name,
    source_range: null,
    effects: [],
    markers: [],
    enabled: true,
    children,
    kind,
  };
}

/**
 * `<episode>.otio`: a Picture track of the scene clips (ranges of the delivered MP4), a
 * Voices track (ranges of the voice stem, scene by scene), a Music track when there is a
 * bed, and one marker per subtitle cue on the timeline, named by its text.
 */
export function toOtio(timeline: EditorTimeline): string {
  const { fps } = timeline;
  const sceneClips = (media: MediaFile, suffix: string) =>
    timeline.scenes.map((scene) => otioClip(`${scene.id}${suffix}`, media, timeline, scene.startFrame, scene.frames));
  const tracks = [
    otioTrack('Picture', 'Video', sceneClips(timeline.picture, '')),
    otioTrack('Voices', 'Audio', sceneClips(timeline.voices, ' voices')),
    ...(timeline.music
      ? [otioTrack('Music', 'Audio', [otioClip('music', timeline.music, timeline, 0, timeline.frameCount)])]
      : []),
  ];
  const markers = timeline.subtitles.map((cue) => ({
    OTIO_SCHEMA: 'Marker.2',
    metadata: { dramaforge: { kind: 'subtitle', speaker: cue.speaker } },
    name: cue.text,
    color: 'YELLOW',
    marked_range: timeRange(cue.startFrame, cue.frames, fps),
    comment: cue.speaker,
  }));
  const document = {
    OTIO_SCHEMA: 'Timeline.1',
    metadata: { dramaforge: { production: timeline.production, width: timeline.width, height: timeline.height } },
    name: timeline.title,
    global_start_time: rationalTime(0, fps),
    tracks: {
      OTIO_SCHEMA: 'Stack.1',
      metadata: {},
      name: 'tracks',
      source_range: null,
      effects: [],
      markers,
      enabled: true,
      children: tracks,
    },
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** FCPXML times are rational seconds; frames at an integer fps are `frames/fps s`. */
const fcpTime = (frames: number, fps: number) => (frames === 0 ? '0s' : `${frames}/${fps}s`);

/**
 * `<episode>.fcpxml` (FCPXML 1.10): the scenes are asset-clips of the delivered MP4 on the
 * primary storyline (its picture only), each carrying its voices as a connected clip on
 * lane -1 (the music bed, when there is one, on lane -2) and its subtitle cues as markers.
 * A connected clip's offset and a marker's start are in the parent clip's own time, which
 * starts at the parent's `start`: the scene's first frame in the MP4.
 */
export function toFcpxml(timeline: EditorTimeline): string {
  const { fps } = timeline;
  const time = (frames: number) => fcpTime(frames, fps);
  const asset = (id: string, name: string, media: MediaFile, hasVideo: boolean) => ({
    '@_id': id,
    '@_name': name,
    '@_start': '0s',
    '@_duration': time(timeline.frameCount),
    '@_hasVideo': hasVideo ? '1' : '0',
    ...(hasVideo ? { '@_format': 'r1', '@_videoSources': '1' } : {}),
    '@_hasAudio': '1',
    '@_audioSources': '1',
    '@_audioChannels': String(media.audioChannels),
    '@_audioRate': String(media.audioRate),
    'media-rep': { '@_kind': 'original-media', '@_src': media.file },
  });
  const connected = (ref: string, name: string, lane: number, parentStart: number, frames: number, role: string) => ({
    '@_ref': ref,
    '@_lane': String(lane),
    '@_name': name,
    '@_offset': time(parentStart),
    '@_start': time(parentStart),
    '@_duration': time(frames),
    '@_srcEnable': 'audio',
    '@_audioRole': role,
  });
  const spine = timeline.scenes.map((scene) => {
    const endFrame = scene.startFrame + scene.frames;
    const cues = timeline.subtitles.filter((cue) => cue.startFrame >= scene.startFrame && cue.startFrame < endFrame);
    return {
      '@_ref': 'r2',
      '@_name': scene.id,
      '@_offset': time(scene.startFrame),
      '@_start': time(scene.startFrame),
      '@_duration': time(scene.frames),
      '@_format': 'r1',
      '@_tcFormat': 'NDF',
      '@_srcEnable': 'video',
      'asset-clip': [
        connected('r3', `${scene.id} voices`, -1, scene.startFrame, scene.frames, 'dialogue'),
        ...(timeline.music ? [connected('r4', `${scene.id} music`, -2, scene.startFrame, scene.frames, 'music')] : []),
      ],
      marker: cues.map((cue) => ({
        '@_start': time(cue.startFrame),
        '@_duration': time(Math.min(cue.frames, endFrame - cue.startFrame)),
        '@_value': cue.text,
        ...(cue.speaker ? { '@_note': cue.speaker } : {}),
      })),
    };
  });
  const document = {
    fcpxml: {
      '@_version': '1.10',
      resources: {
        format: {
          '@_id': 'r1',
          '@_frameDuration': time(1),
          '@_width': String(timeline.width),
          '@_height': String(timeline.height),
        },
        asset: [
          asset('r2', timeline.picture.file, timeline.picture, true),
          asset('r3', timeline.voices.file, timeline.voices, false),
          ...(timeline.music ? [asset('r4', timeline.music.file, timeline.music, false)] : []),
        ],
      },
      library: {
        event: {
          '@_name': timeline.production,
          project: {
            '@_name': timeline.title,
            sequence: {
              '@_format': 'r1',
              '@_duration': time(timeline.frameCount),
              '@_tcStart': '0s',
              '@_tcFormat': 'NDF',
              '@_audioLayout': 'stereo',
              '@_audioRate': '48k',
              spine: { 'asset-clip': spine },
            },
          },
        },
      },
    },
  };
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    suppressEmptyNode: true,
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n${builder.build(document) as string}`;
}
