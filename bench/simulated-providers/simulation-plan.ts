import { z } from 'zod';

/** The provider stages a simulation slows down and limits; consistency scoring is part of `image`'s work and adds no latency of its own. */
export const SIMULATED_STAGES = ['script', 'image', 'speech', 'video'] as const;
export type SimulatedStage = (typeof SIMULATED_STAGES)[number];

const perStage = (value: z.ZodNumber) =>
  z.strictObject(
    Object.fromEntries(SIMULATED_STAGES.map((stage) => [stage, value])) as Record<SimulatedStage, z.ZodNumber>,
  );

const SimulationPlanSchema = z.strictObject({
  /** Multiplies every latency: 0.1 runs ten times faster than real providers. Spoken lines keep their length. */
  timeScale: z.number().positive().max(1),
  /** Real-world milliseconds one call takes, before scaling. */
  latencyMs: perStage(z.number().min(0)),
  /** Calls the provider serves at once; more wait for a slot. */
  concurrency: perStage(z.int().min(1)),
  /** Speaking rate of the stand-in voice, characters a second. */
  speechCharactersPerSecond: z.number().positive().default(15),
  /**
   * A file every process that calls appends its held calls to, one JSON line each: with handlers in worker
   * processes, each has its own slots, and the run's load is the sum of theirs. Unset, calls are kept in memory.
   */
  callLog: z.string().min(1).optional(),
});

export type SimulationPlan = z.output<typeof SimulationPlanSchema>;

/**
 * A JSON plan that puts remote-provider latency and
 * concurrency limits in front of the offline ports (benchmarks of the orchestration).
 */
export function parseSimulationPlan(text: string): SimulationPlan {
  const parsed = SimulationPlanSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `the simulation plan is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
