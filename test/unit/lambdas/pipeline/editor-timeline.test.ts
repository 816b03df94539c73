import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  cuesOnFrameGrid,
  type EditorTimeline,
  toFcpxml,
  toOtio,
} from '../../../../lambdas/pipeline/editor-timeline.js';

const FPS = 12;

/** Three scenes of different lengths (12, 13 and 12 frames at 12 fps), two cues, one spanning a cut. */
function timeline(overrides: Partial<EditorTimeline> = {}): EditorTimeline {
  const frames = [12, 13, 12];
  let start = 0;
  const scenes = frames.map((count, index) => {
    const scene = { id: `s0${index + 1}`, startFrame: start, frames: count };
    start += count;
    return scene;
  });
  return {
    production: 'Về nhà ăn Tết',
    title: 'Chuyến tàu cuối năm & <more>',
    fps: FPS,
    width: 270,
    height: 480,
    frameCount: start,
    picture: { file: 'ep01.mp4', audioChannels: 2, audioRate: 48_000 },
    voices: { file: 'ep01.voices.wav', audioChannels: 1, audioRate: 48_000 },
    scenes,
    subtitles: cuesOnFrameGrid(
      [
        { startSeconds: 0.25, endSeconds: 0.9, speaker: 'Lan', text: 'Anh Minh! Em về rồi!' },
        { startSeconds: 1.5, endSeconds: 2.6, speaker: 'Minh', text: 'Về là tốt rồi.' },
      ],
      FPS,
      start,
    ),
    ...overrides,
  };
}

interface OtioTime {
  OTIO_SCHEMA: string;
  rate: number;
  value: number;
}
interface OtioRange {
  OTIO_SCHEMA: string;
  start_time: OtioTime;
  duration: OtioTime;
}
interface OtioClip {
  OTIO_SCHEMA: string;
  name: string;
  source_range: OtioRange;
  media_references: Record<string, { OTIO_SCHEMA: string; target_url: string; available_range: OtioRange }>;
  active_media_reference_key: string;
}
interface OtioTrack {
  OTIO_SCHEMA: string;
  name: string;
  kind: string;
  children: OtioClip[];
}
interface OtioMarker {
  OTIO_SCHEMA: string;
  name: string;
  comment: string;
  marked_range: OtioRange;
}

/** Every RationalTime anywhere in the document. */
function rationalTimes(value: unknown): OtioTime[] {
  if (Array.isArray(value)) return value.flatMap(rationalTimes);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return record.OTIO_SCHEMA === 'RationalTime.1'
      ? [record as unknown as OtioTime]
      : Object.values(record).flatMap(rationalTimes);
  }
  return [];
}

describe('the OpenTimelineIO export', () => {
  it('is a Timeline.1 whose Picture and Voices tracks cut the delivered media into the scenes, adding up to the episode to the frame', () => {
    // Prepare
    const episode = timeline();

    // Act
    const otio = JSON.parse(toOtio(episode)) as {
      OTIO_SCHEMA: string;
      name: string;
      tracks: { OTIO_SCHEMA: string; children: OtioTrack[]; markers: OtioMarker[] };
    };

    // Assess
    expect(otio.OTIO_SCHEMA).toBe('Timeline.1');
    expect(otio.name).toBe('Chuyến tàu cuối năm & <more>');
    expect(otio.tracks.OTIO_SCHEMA).toBe('Stack.1');
    expect(otio.tracks.children.map((track) => [track.OTIO_SCHEMA, track.name, track.kind])).toEqual([
      ['Track.1', 'Picture', 'Video'],
      ['Track.1', 'Voices', 'Audio'],
    ]);
    for (const [track, file] of [
      [otio.tracks.children[0]!, 'ep01.mp4'],
      [otio.tracks.children[1]!, 'ep01.voices.wav'],
    ] as const) {
      expect(track.children.map((clip) => clip.OTIO_SCHEMA)).toEqual(['Clip.2', 'Clip.2', 'Clip.2']);
      expect(track.children.map((clip) => clip.source_range.duration.value)).toEqual([12, 13, 12]);
      expect(track.children.reduce((sum, clip) => sum + clip.source_range.duration.value, 0)).toBe(37);
      // Each clip starts in the media where the one before it ended: the cut is the MP4's own.
      expect(track.children.map((clip) => clip.source_range.start_time.value)).toEqual([0, 12, 25]);
      for (const clip of track.children) {
        const reference = clip.media_references[clip.active_media_reference_key]!;
        expect(reference.OTIO_SCHEMA).toBe('ExternalReference.1');
        expect(reference.target_url).toBe(file);
        expect(reference.available_range.duration.value).toBe(37);
      }
    }
    expect(new Set(rationalTimes(otio).map((time) => time.rate))).toEqual(new Set([FPS]));
    expect(rationalTimes(otio).filter((time) => !Number.isInteger(time.value))).toEqual([]);
  });

  it('marks every subtitle cue on the timeline with its text, speaker and frames', () => {
    // Act
    const otio = JSON.parse(toOtio(timeline())) as { tracks: { markers: OtioMarker[] } };

    // Assess
    expect(
      otio.tracks.markers.map((marker) => [
        marker.OTIO_SCHEMA,
        marker.name,
        marker.comment,
        marker.marked_range.start_time.value,
        marker.marked_range.duration.value,
      ]),
    ).toEqual([
      ['Marker.2', 'Anh Minh! Em về rồi!', 'Lan', 3, 8],
      ['Marker.2', 'Về là tốt rồi.', 'Minh', 18, 13],
    ]);
  });

  it('adds a Music track over the whole episode when the episode has a bed', () => {
    // Act
    const otio = JSON.parse(
      toOtio(timeline({ music: { file: 'ep01.music.wav', audioChannels: 2, audioRate: 48_000 } })),
    ) as { tracks: { children: OtioTrack[] } };

    // Assess
    const music = otio.tracks.children.find((track) => track.name === 'Music');
    expect(music?.kind).toBe('Audio');
    expect(
      music?.children.map((clip) => [
        clip.media_references.DEFAULT_MEDIA!.target_url,
        clip.source_range.duration.value,
      ]),
    ).toEqual([['ep01.music.wav', 37]]);
  });
});

/** The elements this export writes and the attributes the FCPXML 1.10 DTD allows each of them (those we use). */
const FCPXML_1_10_ATTRIBUTES: Record<string, string[]> = {
  fcpxml: ['version'],
  resources: [],
  format: [
    'id',
    'name',
    'frameDuration',
    'fieldOrder',
    'width',
    'height',
    'paspH',
    'paspV',
    'colorSpace',
    'projection',
    'stereoscopic',
  ],
  asset: [
    'id',
    'name',
    'uid',
    'start',
    'duration',
    'hasVideo',
    'format',
    'hasAudio',
    'videoSources',
    'audioSources',
    'audioChannels',
    'audioRate',
  ],
  'media-rep': ['kind', 'sig', 'src', 'suggestedFilename'],
  library: ['location', 'colorProcessing'],
  event: ['name', 'uid'],
  project: ['name', 'uid', 'id', 'modDate'],
  sequence: ['format', 'duration', 'tcStart', 'tcFormat', 'audioLayout', 'audioRate', 'renderFormat', 'keywords'],
  spine: ['lane', 'offset', 'name', 'format'],
  'asset-clip': [
    'ref',
    'lane',
    'offset',
    'name',
    'start',
    'duration',
    'enabled',
    'srcEnable',
    'audioStart',
    'audioDuration',
    'format',
    'tcStart',
    'tcFormat',
    'modDate',
    'audioRole',
    'videoRole',
  ],
  marker: ['start', 'duration', 'value', 'completed', 'note'],
};
/** Children the DTD allows, in the order it requires them, for the elements that have any here. */
const FCPXML_1_10_CHILDREN: Record<string, string[]> = {
  fcpxml: ['resources', 'library'],
  resources: ['format', 'asset'],
  asset: ['media-rep'],
  library: ['event'],
  event: ['project'],
  project: ['sequence'],
  sequence: ['spine'],
  spine: ['asset-clip'],
  'asset-clip': ['asset-clip', 'marker'],
};

type Ordered = Record<string, Ordered[] | string> & { ':@'?: Record<string, string> };

function elementName(node: Ordered): string {
  return Object.keys(node).find((key) => key !== ':@')!;
}

/** Walks the document in order and lists every way it departs from the DTD's rules above. */
function dtdProblems(nodes: Ordered[], parent: string): string[] {
  const problems: string[] = [];
  const allowedChildren = FCPXML_1_10_CHILDREN[parent] ?? [];
  let lastPosition = -1;
  for (const node of nodes) {
    const name = elementName(node);
    if (name === '#text' || name === '?xml') continue;
    const position = allowedChildren.indexOf(name);
    if (position < 0) problems.push(`${parent} may not hold ${name}`);
    else if (position < lastPosition && allowedChildren[lastPosition] !== name)
      problems.push(`${name} comes after ${allowedChildren[lastPosition]} in ${parent}`);
    lastPosition = Math.max(lastPosition, position);
    for (const attribute of Object.keys(node[':@'] ?? {})) {
      if (!FCPXML_1_10_ATTRIBUTES[name]?.includes(attribute)) problems.push(`${name} has no attribute ${attribute}`);
    }
    problems.push(...dtdProblems(node[name] as Ordered[], name));
  }
  return problems;
}

/** "37/12s" or "0s" as a count of frames at `fps`. */
function frames(time: string, fps: number): number {
  const match = /^(\d+)(?:\/(\d+))?s$/.exec(time);
  if (!match) throw new Error(`not an FCPXML time: ${time}`);
  const seconds = Number(match[1]) / Number(match[2] ?? 1);
  const count = seconds * fps;
  expect(Number.isInteger(Math.round(count * 1e6) / 1e6)).toBe(true);
  return Math.round(count);
}

interface FcpClip {
  '@_ref': string;
  '@_name': string;
  '@_lane'?: string;
  '@_offset': string;
  '@_start': string;
  '@_duration': string;
  '@_srcEnable': string;
  'asset-clip'?: FcpClip[];
  marker?: { '@_start': string; '@_duration': string; '@_value': string; '@_note'?: string }[];
}

function parseFcpxml(xml: string) {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    isArray: (name) => ['asset', 'asset-clip', 'marker'].includes(name),
  });
  return parser.parse(xml) as {
    fcpxml: {
      '@_version': string;
      resources: {
        format: Record<string, string>;
        asset: (Record<string, string> & { 'media-rep': Record<string, string> })[];
      };
      library: {
        event: {
          '@_name': string;
          project: { '@_name': string; sequence: Record<string, string> & { spine: { 'asset-clip': FcpClip[] } } };
        };
      };
    };
  };
}

describe('the FCPXML export', () => {
  it('is FCPXML 1.10 with only the elements, attributes and order its DTD allows', () => {
    // Act
    const xml = toFcpxml(timeline({ music: { file: 'ep01.music.wav', audioChannels: 2, audioRate: 48_000 } }));

    // Assess
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n<fcpxml version="1.10">')).toBe(
      true,
    );
    const ordered = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true }).parse(
      xml,
    ) as Ordered[];
    expect(
      dtdProblems(ordered, 'fcpxml-document').filter(
        (problem) => !problem.startsWith('fcpxml-document may not hold fcpxml'),
      ),
    ).toEqual([]);
  });

  it('lays the scenes on the primary storyline as cuts of the delivered MP4 that add up to the sequence to the frame', () => {
    // Act
    const document = parseFcpxml(toFcpxml(timeline())).fcpxml;

    // Assess
    expect(document['@_version']).toBe('1.10');
    expect(document.resources.format).toMatchObject({
      '@_frameDuration': '1/12s',
      '@_width': '270',
      '@_height': '480',
    });
    expect(document.resources.asset.map((asset) => asset['media-rep']['@_src'])).toEqual([
      'ep01.mp4',
      'ep01.voices.wav',
    ]);
    const sequence = document.library.event.project.sequence;
    expect(document.library.event.project['@_name']).toBe('Chuyến tàu cuối năm & <more>');
    const clips = sequence.spine['asset-clip'];
    expect(clips.map((clip) => clip['@_name'])).toEqual(['s01', 's02', 's03']);
    expect(clips.map((clip) => frames(clip['@_duration'], FPS))).toEqual([12, 13, 12]);
    expect(clips.reduce((sum, clip) => sum + frames(clip['@_duration'], FPS), 0)).toBe(
      frames(sequence['@_duration']!, FPS),
    );
    expect(frames(sequence['@_duration']!, FPS)).toBe(37);
    // Back to back on the storyline, each the same frames of the MP4 as its place in the episode, picture only.
    expect(clips.map((clip) => frames(clip['@_offset'], FPS))).toEqual([0, 12, 25]);
    expect(
      clips.every(
        (clip) => clip['@_start'] === clip['@_offset'] && clip['@_srcEnable'] === 'video' && clip['@_ref'] === 'r2',
      ),
    ).toBe(true);
  });

  it("connects each scene's voices under it and marks its cues in its own time", () => {
    // Act
    const clips = parseFcpxml(toFcpxml(timeline())).fcpxml.library.event.project.sequence.spine['asset-clip'];

    // Assess
    for (const clip of clips) {
      const [voices] = clip['asset-clip']!;
      expect(voices).toMatchObject({
        '@_ref': 'r3',
        '@_lane': '-1',
        '@_srcEnable': 'audio',
        '@_offset': clip['@_start'],
        '@_start': clip['@_start'],
        '@_duration': clip['@_duration'],
      });
    }
    const markers = clips.map((clip) =>
      (clip.marker ?? []).map((marker) => [
        marker['@_value'],
        marker['@_note'],
        frames(marker['@_start'], FPS),
        frames(marker['@_duration'], FPS),
      ]),
    );
    // The second cue starts in s02 at frame 18 and is cut at s02's end (frame 25).
    expect(markers).toEqual([[['Anh Minh! Em về rồi!', 'Lan', 3, 8]], [['Về là tốt rồi.', 'Minh', 18, 7]], []]);
  });
});

describe('cues on the frame grid', () => {
  it('rounds each cue to frames, keeps at least one frame, and keeps it inside the episode', () => {
    // Act
    const cues = cuesOnFrameGrid(
      [
        { startSeconds: 0.01, endSeconds: 0.02, text: 'blink' },
        { startSeconds: 2.9, endSeconds: 4, text: 'runs past the end' },
      ],
      FPS,
      37,
    );

    // Assess
    expect(cues).toEqual([
      { startFrame: 0, frames: 1, speaker: '', text: 'blink' },
      { startFrame: 35, frames: 2, speaker: '', text: 'runs past the end' },
    ]);
  });
});
