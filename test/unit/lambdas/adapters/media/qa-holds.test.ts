import { describe, expect, it } from 'vitest';
import { unheld } from '../../../../../lambdas/adapters/media/picture-qa.js';

describe("QA's frozen-picture rule and a dub's held frames", () => {
  it('allows frozen picture inside a hold, and a little before it, but nowhere else', () => {
    // Prepare: a dub holds the first scene's last frame from 3.2 s to 4.0 s
    const holds = [{ startSeconds: 3.2, endSeconds: 4 }];
    const frozen = [
      { startSeconds: 2.9, endSeconds: 4 },
      { startSeconds: 6, endSeconds: 7 },
      { startSeconds: 2, endSeconds: 4 },
    ];

    // Act
    const defects = unheld(frozen, holds, 12);

    // Assess
    expect(defects).toEqual([frozen[1], frozen[2]]);
  });

  it('allows nothing without holds', () => {
    // Act
    const defects = unheld([{ startSeconds: 1, endSeconds: 2 }], [], 30);

    // Assess
    expect(defects).toHaveLength(1);
  });
});
