#!/usr/bin/env node
/**
 * Speaks text with espeak-ng (WebAssembly build) and writes RIFF WAVE, PCM s16 mono.
 *
 * espeak-ng is GPL-3, so it runs in this separate process and is never imported
 * by dramaforge's own modules. Plain JavaScript so that `node` runs it as is.
 *
 * Two ways to run it:
 *   node espeak-worker.mjs --serve
 *     Reads one JSON request per line on stdin, answers one JSON line per request
 *     on stdout: {"id","voice","sampleRate","wav":"<base64>"} or {"id","error"}.
 *   node espeak-worker.mjs --voice vi --variant f2 --pitch 55 --rate 170 --range 50 [--output x.wav] < text.txt
 *     Speaks stdin once and writes the WAV to --output, or to stdout.
 *
 * A request: {"id", "text", "voices": ["vi", "en-us"], "variant": "f2", "pitch", "rate", "range"}.
 * The first of `voices` that espeak-ng knows is used, so a caller can list fallbacks.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ESPEAK_PACKAGE = '@echogarden/espeak-ng-emscripten';
const SILENCE_SECONDS = 0.3;

const moduleUrl = import.meta.resolve(ESPEAK_PACKAGE);
const { default: createEspeakModule } = await import(moduleUrl);
// Read the 24 MB voice data once; every synthesis gets a fresh engine built over it.
const voiceData = readFileSync(path.join(path.dirname(fileURLToPath(moduleUrl)), 'espeak-ng.data'));
const voiceDataBuffer = voiceData.buffer.slice(voiceData.byteOffset, voiceData.byteOffset + voiceData.byteLength);

/**
 * The engine keeps state between utterances (noise generator, flutter phase), so
 * the same request would not give the same bytes twice. A fresh instance per
 * request makes output a pure function of the request; it costs tens of milliseconds.
 */
async function freshEngine() {
  const engineModule = await createEspeakModule({
    getPreloadedPackage: () => voiceDataBuffer,
    // stdout carries the protocol; anything the engine prints goes to stderr.
    print: (message) => process.stderr.write(`${message}\n`),
    printErr: (message) => process.stderr.write(`${message}\n`),
  });
  return new engineModule.eSpeakNGWorker();
}

/** The engine reads its input as SSML and treats [[...]] as phonemes: neutralise both. */
function plainTextForEngine(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/[[\]]/g, ' ');
}

function wavFromPcm(samples, sampleRate) {
  const dataBytes = samples.length * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  Buffer.from(samples.buffer, samples.byteOffset, dataBytes).copy(wav, 44);
  return wav;
}

function requireNumber(request, field, min, max) {
  const value = request[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${field} must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return Math.round(value);
}

function validRequest(request) {
  if (typeof request !== 'object' || request === null) throw new Error('request must be a JSON object');
  if (typeof request.text !== 'string') throw new Error('text must be a string');
  if (
    !Array.isArray(request.voices) ||
    request.voices.length === 0 ||
    !request.voices.every((v) => typeof v === 'string' && /^[A-Za-z0-9-]+$/.test(v))
  ) {
    throw new Error('voices must be a non-empty list of espeak-ng voice names');
  }
  if (
    request.variant !== undefined &&
    (typeof request.variant !== 'string' || !/^[A-Za-z0-9]+$/.test(request.variant))
  ) {
    throw new Error('variant must be an espeak-ng variant name');
  }
  return {
    text: request.text,
    voices: request.voices,
    variant: request.variant,
    pitch: requireNumber(request, 'pitch', 0, 100),
    rate: requireNumber(request, 'rate', 80, 450),
    range: requireNumber(request, 'range', 0, 100),
  };
}

async function synthesize(request) {
  const engine = await freshEngine();
  const sampleRate = engine.get_samplerate();
  const voice = request.voices
    .map((name) => (request.variant ? `${name}+${request.variant}` : name))
    .find((name) => engine.set_voice(name) === 0);
  if (voice === undefined) throw new Error(`espeak-ng knows none of the voices ${request.voices.join(', ')}`);
  if (request.text.trim() === '') {
    return { voice, sampleRate, wav: wavFromPcm(new Int16Array(Math.round(SILENCE_SECONDS * sampleRate)), sampleRate) };
  }
  engine.set_pitch(request.pitch);
  engine.set_rate(request.rate);
  engine.set_range(request.range);
  const chunks = [];
  engine.synthesize(plainTextForEngine(request.text), (samples) => {
    chunks.push(samples);
    return 0;
  });
  const samples = new Int16Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    samples.set(chunk, offset);
    offset += chunk.length;
  }
  return { voice, sampleRate, wav: wavFromPcm(samples, sampleRate) };
}

function writeLine(line) {
  return new Promise((resolve, reject) =>
    process.stdout.write(`${line}\n`, (error) => (error ? reject(error) : resolve())),
  );
}

async function serve() {
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let id = null;
    try {
      const parsed = JSON.parse(line);
      id = parsed?.id ?? null;
      const { voice, sampleRate, wav } = await synthesize(validRequest(parsed));
      await writeLine(JSON.stringify({ id, voice, sampleRate, wav: wav.toString('base64') }));
    } catch (error) {
      await writeLine(JSON.stringify({ id, error: error instanceof Error ? error.message : String(error) }));
    }
  }
}

function optionsFromArgs(args) {
  const options = {};
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i];
    const value = args[i + 1];
    if (!flag?.startsWith('--') || value === undefined)
      throw new Error(`expected --flag value pairs, got ${JSON.stringify(args.slice(i))}`);
    options[flag.slice(2)] = value;
  }
  return options;
}

async function speakOnce(args) {
  const options = optionsFromArgs(args);
  const text = readFileSync(0, 'utf8');
  const request = validRequest({
    text,
    voices: (options.voice ?? 'en-us').split(','),
    variant: options.variant,
    pitch: Number(options.pitch ?? 50),
    rate: Number(options.rate ?? 175),
    range: Number(options.range ?? 50),
  });
  const { wav } = await synthesize(request);
  if (options.output) writeFileSync(options.output, wav);
  else process.stdout.write(wav);
}

const args = process.argv.slice(2);
try {
  if (args[0] === '--serve') await serve();
  else await speakOnce(args);
} catch (error) {
  process.stderr.write(`espeak-worker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
