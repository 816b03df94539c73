import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runFfmpeg, withTempDir } from '../../lambdas/adapters/media/ffmpeg.js';
import { VOICE_SAMPLE_RATE, wavFromPcm } from '../../lambdas/adapters/media/voice-track.js';
import type { BoundProviders } from '../../lambdas/core/contracts/bound-providers.js';
import {
  type CallOptions,
  type ClipRequest,
  type ClipResult,
  isAsyncVideoModel,
  type Metered,
  type SpeechRequest,
  type SpeechResult,
} from '../../lambdas/core/contracts/ports.js';
import { type HeldCall, ProviderSlots, type SlotStats, slotStats } from './provider-slots.js';
import { parseSimulationPlan, SIMULATED_STAGES, type SimulatedStage, type SimulationPlan } from './simulation-plan.js';

/** One plan's providers in this process: their slots are shared by every stage function that runs here. */
export interface Simulation {
  plan: SimulationPlan;
  slots: Record<SimulatedStage, ProviderSlots>;
  /** The calls this process held, when the plan keeps no call log. */
  heldInMemory: Record<SimulatedStage, HeldCall[]>;
}

/** The variable that hands a worker process the plan (JSON text) of the simulation its providers join. */
export const SIMULATION_PLAN_VARIABLE = 'DRAMAFORGE_BENCH_SIMULATION_PLAN';

interface LoggedCall extends HeldCall {
  stage: SimulatedStage;
}

const simulations = new Map<string, Simulation>();

function noCalls(): Record<SimulatedStage, HeldCall[]> {
  return Object.fromEntries(SIMULATED_STAGES.map((stage) => [stage, [] as HeldCall[]])) as Record<
    SimulatedStage,
    HeldCall[]
  >;
}

/**
 * The simulation a plan (JSON text) describes. The same text gives
 * the same instance, so the local runtime's stage functions, which run in one process,
 * queue for the same provider slots, as Lambdas calling one remote provider would.
 */
export function simulationFor(planText: string): Simulation {
  let simulation = simulations.get(planText);
  if (!simulation) {
    const plan = parseSimulationPlan(planText);
    const { callLog } = plan;
    const heldInMemory = noCalls();
    const record = (stage: SimulatedStage) => (call: HeldCall) => {
      if (callLog) appendFileSync(callLog, `${JSON.stringify({ stage, ...call } satisfies LoggedCall)}\n`);
      else heldInMemory[stage].push(call);
    };
    const slots = Object.fromEntries(
      SIMULATED_STAGES.map((stage) => [stage, new ProviderSlots(plan.concurrency[stage], record(stage))]),
    ) as Record<SimulatedStage, ProviderSlots>;
    simulation = { plan, slots, heldInMemory };
    simulations.set(planText, simulation);
  }
  return simulation;
}

/** Every call the simulation's providers held, in every process that logged to its call log, or in this one. */
export function simulationLoad(simulation: Simulation): Record<SimulatedStage, SlotStats> {
  const { callLog } = simulation.plan;
  const held = callLog ? loggedCalls(callLog) : simulation.heldInMemory;
  return Object.fromEntries(SIMULATED_STAGES.map((stage) => [stage, slotStats(held[stage])])) as Record<
    SimulatedStage,
    SlotStats
  >;
}

function loggedCalls(callLog: string): Record<SimulatedStage, HeldCall[]> {
  const held = noCalls();
  if (!existsSync(callLog)) return held;
  for (const line of readFileSync(callLog, 'utf8').split('\n')) {
    if (!line) continue;
    const { stage, ...call } = JSON.parse(line) as LoggedCall;
    held[stage].push(call);
  }
  return held;
}

/**
 * The simulated providers of a worker process (a runtime's `providerDecorator`): the simulation is the one the
 * plan in `DRAMAFORGE_BENCH_SIMULATION_PLAN` describes, and its calls go to the plan's call log.
 */
export function simulateInThisProcess(providers: BoundProviders): BoundProviders {
  const planText = process.env[SIMULATION_PLAN_VARIABLE];
  if (!planText) throw new Error(`${SIMULATION_PLAN_VARIABLE} is not set: the worker has no simulation plan`);
  return withSimulatedProviders(providers, simulationFor(planText));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Holds one of the stage's slots for the call's scaled latency, then lets the work run. */
function delayed<Args extends unknown[], Result>(
  simulation: Simulation,
  stage: SimulatedStage,
  work: (...args: Args) => Promise<Result>,
) {
  const latencyMs = simulation.plan.latencyMs[stage] * simulation.plan.timeScale;
  return async (...args: Args): Promise<Result> => {
    await simulation.slots[stage].hold(() => sleep(latencyMs));
    return work(...args);
  };
}

/** A voice's fundamental and its syllable rate: the stand-in must sound like speech to QA's silence check, not like silence. */
const STAND_IN_PITCH_HZ = 180;
const STAND_IN_SYLLABLES_PER_SECOND = 4;

/** The stand-in hum's samples from its start, made once per process and grown to the longest line asked for. */
let standInHum = Buffer.alloc(0);
function humSamples(samples: number): Buffer {
  if (standInHum.length < samples * 2) {
    const made = standInHum.length / 2;
    const longer = Buffer.alloc(samples * 2);
    standInHum.copy(longer);
    for (let index = made; index < samples; index++) {
      const t = index / VOICE_SAMPLE_RATE;
      const swell = 0.6 + 0.4 * Math.sin(2 * Math.PI * STAND_IN_SYLLABLES_PER_SECOND * t);
      longer.writeInt16LE(Math.round(9000 * swell * Math.sin(2 * Math.PI * STAND_IN_PITCH_HZ * t)), index * 2);
    }
    standInHum = longer;
  }
  return standInHum.subarray(0, samples * 2);
}

/**
 * A hum with a syllable-rate swell, as long as the text takes to say at the plan's speaking
 * rate, in the voice track's own format. Its length is not scaled with time: a line said a
 * thousand times faster is no line (the voice stage refuses it), only waiting is shortened.
 * A remote model's speech costs the caller no CPU, so the hum is synthesised once and cut to length.
 */
function standInSpeech(
  simulation: Simulation,
  served: { provider: string; model: string },
  request: SpeechRequest,
): Metered<SpeechResult> {
  const characters = Array.from(request.text).length;
  const seconds = characters / simulation.plan.speechCharactersPerSecond;
  const samples = Math.max(1, Math.round(seconds * VOICE_SAMPLE_RATE));
  return {
    result: { wav: wavFromPcm(humSamples(samples)), durationSeconds: samples / VOICE_SAMPLE_RATE },
    usage: { speechCharacters: characters },
    provider: served.provider,
    model: served.model,
  };
}

const standInClips = new Map<string, Promise<Buffer>>();

/**
 * A test-pattern clip of the requested size, rate and length. A remote model's rendering costs
 * the caller no CPU, so neither may its stand-in's: each distinct shape is encoded once
 * per process and reused.
 */
function standInClip(request: ClipRequest): Promise<Buffer> {
  const frames = Math.max(1, Math.round(request.durationSeconds * request.fps));
  const shape = `${request.width}x${request.height}@${request.fps}x${frames}`;
  let clip = standInClips.get(shape);
  if (!clip) {
    clip = withTempDir(async (dir) => {
      const file = path.join(dir, 'clip.mp4');
      await runFfmpeg([
        // A moving test pattern: a still clip would be, rightly, refused by QA as a frozen picture.
        '-f',
        'lavfi',
        '-i',
        `testsrc2=s=${request.width}x${request.height}:r=${request.fps}`,
        '-frames:v',
        String(frames),
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-pix_fmt',
        'yuv420p',
        '-an',
        '-y',
        file,
      ]);
      return readFile(file);
    });
    standInClips.set(shape, clip);
  }
  return clip;
}

/**
 * The bound providers behind simulated remote latency and concurrency limits. Script,
 * image and consistency answers still come from the bound ports (cheap at a small
 * format); speech and video answers are stand-ins, because espeak and ffmpeg per call
 * would make the benchmark measure this machine's CPU instead of the orchestration.
 * Only the offline profile is simulated: a real provider brings its own latency.
 */
export function withSimulatedProviders(providers: BoundProviders, simulation: Simulation): BoundProviders {
  const { text, image, speech, video } = providers;
  if (isAsyncVideoModel(video.port) || Object.values(providers).some((bound) => bound.provider !== 'offline')) {
    throw new Error('the simulated providers stand in for the offline profile only');
  }
  return {
    ...providers,
    text: {
      ...text,
      port: {
        writeScene: delayed(simulation, 'script', (r, o?: CallOptions) => text.port.writeScene(r, o)),
        writeListing: delayed(simulation, 'script', (r, o?: CallOptions) => text.port.writeListing(r, o)),
      },
    },
    image: {
      ...image,
      port: {
        drawReferenceSheet: delayed(simulation, 'image', (r, o?: CallOptions) => image.port.drawReferenceSheet(r, o)),
        drawKeyframe: delayed(simulation, 'image', (r, o?: CallOptions) => image.port.drawKeyframe(r, o)),
      },
    },
    speech: {
      ...speech,
      port: { speak: delayed(simulation, 'speech', async (r: SpeechRequest) => standInSpeech(simulation, speech, r)) },
    },
    video: {
      ...video,
      port: {
        renderClip: delayed(simulation, 'video', async (r: ClipRequest): Promise<Metered<ClipResult>> => {
          const frames = Math.max(1, Math.round(r.durationSeconds * r.fps));
          return {
            result: { mp4: await standInClip(r) },
            usage: { videoSeconds: frames / r.fps },
            provider: video.provider,
            model: video.model,
          };
        }),
      },
    },
  };
}
