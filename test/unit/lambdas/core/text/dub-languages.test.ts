import { describe, expect, it } from 'vitest';
import { languagesSupportedBy } from '../../../../../lambdas/core/text/languages.js';
import { languageManifest, problemsOf } from '../../../../support/manifest-problems.js';

const manifest = (dubs: unknown, providers: Record<string, unknown> = { profile: 'offline' }) =>
  languageManifest('vi-VN', providers, { dubs });

describe('the languages a manifest dubs into', () => {
  it('accepts every language the offline profile supports but the master', () => {
    // Prepare
    const others = languagesSupportedBy('offline').filter((tag) => tag !== 'vi-VN');

    // Act
    const problems = problemsOf(manifest(others));

    // Assess
    expect(problems).toEqual([]);
  });

  it('refuses a dub the routed speech profile has no voice for, naming the dub', () => {
    // Act
    const problems = problemsOf(manifest(['ko-KR', 'th-TH'], { profile: 'offline', overrides: { speech: 'bedrock' } }));

    // Assess: the master's Vietnamese is refused too; Korean is Polly's, Thai is not
    expect(problems).toContain(
      `dubs[1]: th-TH is not supported by the bedrock profile (supported: ${languagesSupportedBy('bedrock').join(', ')})`,
    );
    expect(problems.filter((problem) => problem.startsWith('dubs[0]'))).toEqual([]);
  });

  it.each(['openai-compatible', 'bedrock'])(
    'accepts dubs whose script stage routes to the %s profile, whose script model translates them',
    (script) => {
      // Act
      const problems = problemsOf(manifest(['th-TH', 'ko-KR'], { profile: 'offline', overrides: { script } }));

      // Assess
      expect(problems, `dubs translated by ${script}`).toEqual([]);
    },
  );

  it('refuses an unknown tag, the master language under an alias, and a dub listed twice', () => {
    // Act
    const problems = problemsOf(manifest(['fr-FR', 'vi', 'th-TH', 'th']));

    // Assess
    expect(problems).toEqual([
      `dubs[0]: fr-FR is not supported by the offline profile (supported: ${languagesSupportedBy('offline').join(', ')})`,
      "dubs[1]: vi is the master's language; a dub is another language",
      'dubs[3]: th is already listed',
    ]);
  });

  it('refuses what is not a language tag', () => {
    // Act
    const problems = problemsOf(manifest(['Thai!']));

    // Assess
    expect(problems).toEqual(['dubs[0]: a dub must be a BCP-47 tag such as vi-VN']);
  });
});
