import { describe, expect, it } from 'vitest';
import type { SceneScriptRequest } from '../../../../../lambdas/core/contracts/ports.js';
import {
  CONTINUITY_CHARACTERS,
  episodeContinuity,
  scriptMessages,
} from '../../../../../lambdas/core/prompts/script-prompt.js';

const scene: SceneScriptRequest['scene'] = {
  episodeId: 'ep01',
  sceneId: 's03',
  index: 2,
  location: 'the ferry deck',
  outline: 'Mai confronts Theo.',
  characters: [
    { id: 'mai', name: 'Mai', description: 'deckhand' },
    { id: 'theo', name: 'Theo', description: 'stowaway' },
  ],
};

const spoken = (sceneId: string, line: string) => ({
  sceneId,
  outline: `What happens in ${sceneId}.`,
  lines: [{ character: 'mai', line }],
});

describe("a scene's dialogue carries on from the episode", () => {
  it("quotes the earlier scenes' lines and the synopsis in the script prompt", () => {
    // Prepare
    const episode = episodeContinuity('Mai hides a stowaway.', [
      spoken('s01', 'Who is there?'),
      spoken('s02', 'Come out slowly.'),
    ]);

    // Act
    const user = scriptMessages({ language: 'en-US', title: 'The Night Ferry', seed: 1, scene, episode }, false)[1]!
      .content;

    // Assess
    expect(user).toContain('The episode: Mai hides a stowaway.');
    expect(user).toContain('[s01] mai: Who is there?\n[s02] mai: Come out slowly.');
  });

  it("sums up the oldest scenes by their outlines once the lines outgrow the prompt's share, keeping the latest verbatim", () => {
    // Prepare
    const long = 'x'.repeat(Math.floor(CONTINUITY_CHARACTERS / 3) - 10);
    const earlier = ['s01', 's02', 's03', 's04', 's05'].map((id) => spoken(id, long));

    // Act
    const episode = episodeContinuity(undefined, earlier)!;

    // Assess
    expect(episode.spokenBefore.map((s) => s.sceneId)).toEqual(['s03', 's04', 's05']);
    expect(episode.summary).toBe('s01: What happens in s01. s02: What happens in s02.');
    expect(episode).not.toHaveProperty('synopsis');
  });

  it('carries nothing into the first scene of an episode without a synopsis, so its prompt and cache key stay as they were', () => {
    // Act
    const episode = episodeContinuity(undefined, []);

    // Assess
    expect(episode).toBeUndefined();
  });
});
