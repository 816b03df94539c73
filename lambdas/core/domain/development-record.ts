import type { Repair, SceneCard } from '../contracts/ports.js';

/** `productions/<id>/development/<episode>.json`: what the development stage wrote for one episode. */
export interface DevelopmentRecord {
  episodeId: string;
  title: string;
  synopsis: string;
  sceneCount: number;
  /** The hash of what the cards were developed from (the bible, the episode, the story so far). */
  basis: string;
  developedBy: { provider: string; model: string };
  parts: number;
  costUsd: number;
  /** The running summary of the season through this episode, which later episodes are developed from. */
  summary: string;
  scenes: SceneCard[];
  /** What was mended in the model's answers, part by part (`part 2: scenes.0.id`); absent when nothing was. */
  repairs?: Repair[];
}

/** What the stage leaves in its place when the episode could not be developed. */
export interface DevelopmentFailureRecord {
  episodeId: string;
  failure: { error: string; message: string; at: string };
}
