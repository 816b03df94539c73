import type { Metered, MusicBed, MusicBedRequest, MusicModel, MusicSection } from '../../../core/contracts/ports.js';
import { wavHeader } from '../../media/wav-header.js';
import { moodOf } from './offline-script-writer.js';
import type { Mood } from './phrasebook/phrasebook.js';
import { type SeededRandom, seededRandom } from './storyboard/seeded-random.js';

export const PROCEDURAL_MUSIC_PROVIDER = 'offline';
export const PROCEDURAL_MUSIC_MODEL = 'procedural-bed-v1';

/**
 * The bed's highest partial is under 4 kHz (the arpeggio's top note, 1.76 kHz, and its overtone), so
 * 24 kHz holds all of it with room to spare, at half the samples to synthesise, store and move of
 * 48 kHz. The mix resamples it to the episode's rate.
 */
export const MUSIC_SAMPLE_RATE = 24_000;

/**
 * How a mood sounds: its key, its chords (scale degrees, 0-based, of the mode), how fast
 * they change, and which voices play over the pad.
 */
interface MoodScore {
  /** MIDI note of the key's tonic, in the pad's octave. */
  tonic: number;
  mode: 'major' | 'minor';
  progression: readonly number[];
  beatsPerMinute: number;
  beatsPerChord: number;
  /** Notes of an arpeggio per beat over the pad (0: none). */
  arpeggioPerBeat: number;
  /** Seconds a plucked note rings. */
  pluckDecaySeconds: number;
  /** The bass plays the root on every beat instead of holding it: drive for tense and angry scenes. */
  pulsingBass: boolean;
  /** Overtones in the pad: more is brighter. */
  padHarmonics: number;
  level: { pad: number; arpeggio: number; bass: number };
}

const MAJOR = [0, 2, 4, 5, 7, 9, 11] as const;
const MINOR = [0, 2, 3, 5, 7, 8, 10] as const;

/** One score per mood of the offline script writer, so music and dialogue read a scene alike. */
const SCORES: Readonly<Record<Mood, MoodScore>> = {
  tender: {
    tonic: 53,
    mode: 'major',
    progression: [0, 5, 3, 4],
    beatsPerMinute: 66,
    beatsPerChord: 4,
    arpeggioPerBeat: 1,
    pluckDecaySeconds: 0.9,
    pulsingBass: false,
    padHarmonics: 2,
    level: { pad: 1, arpeggio: 0.45, bass: 0.5 },
  },
  joyful: {
    tonic: 55,
    mode: 'major',
    progression: [0, 4, 5, 3],
    beatsPerMinute: 104,
    beatsPerChord: 4,
    arpeggioPerBeat: 2,
    pluckDecaySeconds: 0.45,
    pulsingBass: false,
    padHarmonics: 3,
    level: { pad: 0.8, arpeggio: 0.6, bass: 0.55 },
  },
  sad: {
    tonic: 50,
    mode: 'minor',
    progression: [0, 5, 2, 6],
    beatsPerMinute: 58,
    beatsPerChord: 4,
    arpeggioPerBeat: 0.5,
    pluckDecaySeconds: 1.4,
    pulsingBass: false,
    padHarmonics: 2,
    level: { pad: 1, arpeggio: 0.35, bass: 0.45 },
  },
  tense: {
    tonic: 49,
    mode: 'minor',
    progression: [0, 0, 5, 4],
    beatsPerMinute: 92,
    beatsPerChord: 4,
    arpeggioPerBeat: 0,
    pluckDecaySeconds: 0.3,
    pulsingBass: true,
    padHarmonics: 4,
    level: { pad: 0.75, arpeggio: 0, bass: 0.7 },
  },
  angry: {
    tonic: 52,
    mode: 'minor',
    progression: [0, 5, 6, 0],
    beatsPerMinute: 120,
    beatsPerChord: 4,
    arpeggioPerBeat: 0,
    pluckDecaySeconds: 0.25,
    pulsingBass: true,
    padHarmonics: 5,
    level: { pad: 0.7, arpeggio: 0, bass: 0.85 },
  },
  comic: {
    tonic: 60,
    mode: 'major',
    progression: [0, 3, 4, 0],
    beatsPerMinute: 128,
    beatsPerChord: 4,
    arpeggioPerBeat: 2,
    pluckDecaySeconds: 0.18,
    pulsingBass: false,
    padHarmonics: 1,
    level: { pad: 0.45, arpeggio: 0.8, bass: 0.6 },
  },
  default: {
    tonic: 57,
    mode: 'major',
    progression: [0, 5, 3, 4],
    beatsPerMinute: 72,
    beatsPerChord: 4,
    arpeggioPerBeat: 1,
    pluckDecaySeconds: 0.7,
    pulsingBass: false,
    padHarmonics: 2,
    level: { pad: 1, arpeggio: 0.4, bass: 0.5 },
  },
};

/** Scenes cross-fade into one another over this long, so a change of mood never cuts. */
const CROSSFADE_SECONDS = 1.2;
const EPISODE_FADE_IN_SECONDS = 1.0;
const EPISODE_FADE_OUT_SECONDS = 1.5;
/** The bed's sample peak, in full scale: the mix sets its level; this only keeps it from clipping. */
const PEAK = 0.5;

const WAVETABLE_SIZE = 4096;

/** One cycle of a tone with these overtone weights (the first is the fundamental), plus a guard sample. */
function wavetable(weights: readonly number[]): Float32Array {
  return Float32Array.from({ length: WAVETABLE_SIZE + 1 }, (_, i) =>
    weights.reduce((sum, weight, h) => sum + weight * Math.sin((2 * Math.PI * (h + 1) * i) / WAVETABLE_SIZE), 0),
  );
}

/** The table's value at `phase` cycles, linearly interpolated. */
function lookup(table: Float32Array, phase: number): number {
  return tableAt(table, (phase - Math.floor(phase)) * WAVETABLE_SIZE);
}

/** The table's value at a position within it (a wavetable's or a curve's), linearly interpolated. */
function tableAt(table: Float32Array, position: number): number {
  const index = position | 0;
  const low = table[index]!;
  return low + (table[index + 1]! - low) * (position - index);
}

/**
 * A smooth function of [0, 1], tabulated: the bed's envelopes are read 48,000 times a second,
 * and interpolating a table is several times cheaper than Math.sin or Math.exp, with an error
 * far below a 16-bit sample's step.
 */
function curve(shape: (x: number) => number): Float32Array {
  return Float32Array.from({ length: CURVE_SIZE + 2 }, (_, i) => shape(Math.min(i, CURVE_SIZE) / CURVE_SIZE));
}

/** The curve at x in [0, 1], linearly interpolated. */
function curveAt(table: Float32Array, x: number): number {
  return tableAt(table, x * CURVE_SIZE);
}

const CURVE_SIZE = 2048;
const HALF_SINE = curve((x) => Math.sin(Math.PI * x));
/** A pulsing bass note's fall over its beat. */
const BEAT_DECAY = curve((x) => Math.exp(-x * 5));

const PLUCK_TABLE = wavetable([1, 0.25]);
const BASS_TABLE = wavetable([1, 0.3]);

const midiToHz = (note: number) => 440 * 2 ** ((note - 69) / 12);

/** The notes of the chord on `degree`: a triad with its seventh, stacked from the mode. */
function chordNotes(score: MoodScore, degree: number): number[] {
  const scale = score.mode === 'major' ? MAJOR : MINOR;
  return [0, 2, 4, 6].map((step) => {
    const index = degree + step;
    return score.tonic + scale[index % 7]! + 12 * Math.floor(index / 7);
  });
}

/** The mood each section plays, as the offline script writer reads it from the scene. */
export function sectionMood(section: Pick<MusicSection, 'mood' | 'outline'>): Mood {
  return moodOf({ mood: section.mood, outline: section.outline });
}

/**
 * The offline music bed: a pad, a bass and, for lighter moods, a plucked arpeggio, in a
 * key, mode and tempo chosen for each scene's mood, cross-fading between scenes. Synthesised
 * here from sines, so it is ours to ship, costs $0 and needs no network; the same request
 * always gives the same bytes.
 */
export class ProceduralMusicModel implements MusicModel {
  async composeBed(request: MusicBedRequest): Promise<Metered<MusicBed>> {
    const { left, right } = renderBed(request);
    return {
      result: { wav: stereoWav(left, right, MUSIC_SAMPLE_RATE), durationSeconds: left.length / MUSIC_SAMPLE_RATE },
      usage: { musicSeconds: left.length / MUSIC_SAMPLE_RATE },
      provider: PROCEDURAL_MUSIC_PROVIDER,
      model: PROCEDURAL_MUSIC_MODEL,
    };
  }
}

export function renderBed(request: MusicBedRequest): { left: Float32Array; right: Float32Array } {
  const rate = MUSIC_SAMPLE_RATE;
  const total = Math.round(request.sections.reduce((sum, s) => sum + s.durationSeconds, 0) * rate);
  const left = new Float32Array(total);
  const right = new Float32Array(total);
  const fade = Math.round(CROSSFADE_SECONDS * rate);
  let start = 0;
  request.sections.forEach((section, index) => {
    const length = Math.round(section.durationSeconds * rate);
    // Each section rings on under the next one's first second, and the next fades in over it.
    const from = Math.max(0, start - (index === 0 ? 0 : fade));
    const to = Math.min(total, start + length + (index === request.sections.length - 1 ? 0 : fade));
    const random = seededRandom('music-bed', request.seed, request.episodeId, index);
    renderSection(
      SCORES[sectionMood(section)],
      random,
      { from, to, start, end: start + length, fade, total },
      left,
      right,
    );
    start += length;
  });
  applyEpisodeFades(left, right, rate);
  normalisePeak(left, right);
  return { left, right };
}

interface SectionSpan {
  /** First and last sample rendered, cross-fade tails included. */
  from: number;
  to: number;
  /** Where the scene itself starts and ends. */
  start: number;
  end: number;
  fade: number;
  total: number;
}

function renderSection(
  score: MoodScore,
  random: SeededRandom,
  span: SectionSpan,
  left: Float32Array,
  right: Float32Array,
): void {
  const rate = MUSIC_SAMPLE_RATE;
  const beatSeconds = 60 / score.beatsPerMinute;
  const chordSeconds = beatSeconds * score.beatsPerChord;
  // A seeded turn of the progression, so two scenes of one mood do not start on the same chord.
  const rotation = Math.floor(random.next() * score.progression.length);
  const arpeggioOrder = [0, 1, 2, 3, 2, 1, 3, 0].map((step) => (step + Math.floor(random.next() * 2)) % 4);
  const padDetune = 0.0015 + random.next() * 0.001;

  // Per chord, each pad oscillator's step through its wavetable per sample (four notes, two
  // detuned copies), the bass's, and the arpeggio's notes in Hz.
  const step = (hz: number) => (hz * WAVETABLE_SIZE) / rate;
  const chords = score.progression.map((degree) => {
    const notes = chordNotes(score, degree);
    return {
      pad: Float64Array.from(
        notes.flatMap((note) => [step(midiToHz(note) * (1 - padDetune)), step(midiToHz(note) * (1 + padDetune))]),
      ),
      bass: step(midiToHz(notes[0]! - 12)),
      arpeggio: Float64Array.from(notes, (note) => midiToHz(note + 12)),
    };
  });
  // Phases are kept in table positions, wrapped each step: the inner loop then needs no division or floor.
  const padPhase = new Float64Array(8);
  let bassPhase = 0;
  const padTable = wavetable(Array.from({ length: score.padHarmonics }, (_, h) => 1 / ((h + 1) * (h + 1))));
  const noteSeconds = score.arpeggioPerBeat > 0 ? beatSeconds / score.arpeggioPerBeat : 0;
  const secondsPerSample = 1 / rate;
  const chordsPerSecond = 1 / chordSeconds;
  const pluckDecay = curve((x) => Math.exp((-x * noteSeconds) / score.pluckDecaySeconds));
  for (let i = span.from; i < span.to; i += 1) {
    const t = (i - span.start) * secondsPerSample;
    const local = (i - span.from) * secondsPerSample;
    const sinceStart = Math.max(0, t + CROSSFADE_SECONDS);
    const chordPosition = sinceStart * chordsPerSecond;
    const chordIndex = Math.floor(chordPosition);
    const chord = chords[(chordIndex + rotation) % chords.length]!;
    const inChord = chordPosition - chordIndex;
    // Each chord swells in and eases off, so chord changes breathe rather than click.
    const chordEnvelope = 0.75 + 0.25 * curveAt(HALF_SINE, inChord);
    const changeRamp = Math.min(1, (inChord * chordSeconds) / 0.08);

    // Alternate notes lean left and right, so the pad is wide but centred: notes 0 and 2 (slots
    // 0, 1, 4, 5) lean right, notes 1 and 3 lean left.
    let leaningRight = 0;
    let leaningLeft = 0;
    for (let slot = 0; slot < 8; slot += 1) {
      let phase = padPhase[slot]! + chord.pad[slot]!;
      if (phase >= WAVETABLE_SIZE) phase -= WAVETABLE_SIZE;
      padPhase[slot] = phase;
      if ((slot >> 1) % 2 === 0) leaningRight += tableAt(padTable, phase);
      else leaningLeft += tableAt(padTable, phase);
    }
    const padLeft = leaningRight * 0.35 + leaningLeft * 0.65;
    const padRight = leaningRight * 0.65 + leaningLeft * 0.35;
    const padLevel = (score.level.pad * chordEnvelope * changeRamp) / 6;

    bassPhase += chord.bass;
    if (bassPhase >= WAVETABLE_SIZE) bassPhase -= WAVETABLE_SIZE;
    const beats = Math.max(0, t) / beatSeconds;
    const bassEnvelope = score.pulsingBass ? curveAt(BEAT_DECAY, beats - Math.floor(beats)) : chordEnvelope;
    const bass = tableAt(BASS_TABLE, bassPhase) * bassEnvelope * score.level.bass * 0.35;

    let arpeggio = 0;
    let arpeggioPan = 0.5;
    if (noteSeconds > 0 && t >= 0) {
      const noteIndex = Math.floor(t / noteSeconds);
      const sinceNote = t - noteIndex * noteSeconds;
      const hz = chord.arpeggio[arpeggioOrder[noteIndex % arpeggioOrder.length]!]!;
      const attack = Math.min(1, sinceNote / 0.006);
      const envelope = attack * curveAt(pluckDecay, sinceNote / noteSeconds);
      arpeggio = lookup(PLUCK_TABLE, hz * sinceNote) * envelope * score.level.arpeggio * 0.3;
      arpeggioPan = noteIndex % 2 === 0 ? 0.3 : 0.7;
    }

    const gain = sectionGain(i, span) * Math.min(1, local / 0.02 + (span.from === 0 ? 1 : 0));
    left[i]! += gain * (padLeft * padLevel + bass * 0.5 + arpeggio * (1 - arpeggioPan));
    right[i]! += gain * (padRight * padLevel + bass * 0.5 + arpeggio * arpeggioPan);
  }
}

/** Equal-power cross-fade in over the previous scene's tail and out over the next one's head. */
function sectionGain(i: number, span: SectionSpan): number {
  let gain = 1;
  if (span.from < span.start && i < span.start + span.fade) {
    const x = Math.min(1, (i - (span.start - span.fade)) / (2 * span.fade));
    gain *= Math.sin((Math.PI / 2) * Math.max(0, x));
  }
  if (span.to > span.end && i > span.end - span.fade) {
    const x = Math.min(1, (span.end + span.fade - i) / (2 * span.fade));
    gain *= Math.sin((Math.PI / 2) * Math.max(0, x));
  }
  return gain;
}

function applyEpisodeFades(left: Float32Array, right: Float32Array, rate: number): void {
  const fadeIn = Math.min(left.length, Math.round(EPISODE_FADE_IN_SECONDS * rate));
  const fadeOut = Math.min(left.length, Math.round(EPISODE_FADE_OUT_SECONDS * rate));
  for (let i = 0; i < fadeIn; i += 1) {
    left[i]! *= i / fadeIn;
    right[i]! *= i / fadeIn;
  }
  for (let i = 0; i < fadeOut; i += 1) {
    const index = left.length - 1 - i;
    left[index]! *= i / fadeOut;
    right[index]! *= i / fadeOut;
  }
}

function normalisePeak(left: Float32Array, right: Float32Array): void {
  let peak = 0;
  for (let i = 0; i < left.length; i += 1) peak = Math.max(peak, Math.abs(left[i]!), Math.abs(right[i]!));
  if (peak === 0) return;
  const scale = PEAK / peak;
  for (let i = 0; i < left.length; i += 1) {
    left[i]! *= scale;
    right[i]! *= scale;
  }
}

function stereoWav(left: Float32Array, right: Float32Array, sampleRate: number): Buffer {
  const dataBytes = left.length * 4;
  const wav = Buffer.allocUnsafe(44 + dataBytes);
  wavHeader(dataBytes, sampleRate, 2).copy(wav, 0);
  // RIFF is little-endian, as is every platform Node runs on, so the samples are written through a typed view.
  const samples = new Int16Array(wav.buffer, wav.byteOffset + 44, left.length * 2);
  for (let i = 0, j = 0; i < left.length; i += 1, j += 2) {
    samples[j] = pcm16(left[i]!);
    samples[j + 1] = pcm16(right[i]!);
  }
  return wav;
}

/** A sample in full scale as signed 16-bit, rounded half away from zero (a typed array's store truncates). */
function pcm16(sample: number): number {
  const scaled = sample * 32767;
  return scaled < 0 ? Math.max(-32767, scaled - 0.5) : Math.min(32767, scaled + 0.5);
}
