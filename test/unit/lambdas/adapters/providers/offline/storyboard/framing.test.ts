import { describe, expect, it } from 'vitest';
import {
  blockScene,
  StoryboardImageModel,
} from '../../../../../../../lambdas/adapters/providers/offline/offline-image-model.js';
import type { ActingArea } from '../../../../../../../lambdas/adapters/providers/offline/storyboard/backgrounds.js';
import { safeArea, shareInside } from '../../../../../../../lambdas/adapters/providers/offline/storyboard/safe-area.js';
import { seededRandom } from '../../../../../../../lambdas/adapters/providers/offline/storyboard/seeded-random.js';
import type { CharacterBrief } from '../../../../../../../lambdas/core/contracts/ports.js';
import { scene } from '../../../../../../support/offline-image-fixtures.js';

const model = new StoryboardImageModel();

const BIMA: CharacterBrief = {
  id: 'bima',
  name: 'Pak Bima',
  description: 'pria 55 tahun, kumis, peci hitam, batik cokelat',
};
const SARI: CharacterBrief = {
  id: 'sari',
  name: 'Sari',
  description: 'perempuan 24 tahun, rambut panjang, kemeja kuning',
};
const OYEN: CharacterBrief = { id: 'oyen', name: 'Oyen', description: 'kucing oranye gemuk' };
const MEO: CharacterBrief = { id: 'meo', name: 'Mướp', description: 'con mèo mướp màu xám' };
const LAN: CharacterBrief = { id: 'lan', name: 'Lan', description: '25, long black hair, red áo dài' };
const XIAO: CharacterBrief = { id: 'xiao', name: '小美', description: '女，20岁，马尾，白色连衣裙' };
const SHIRO: CharacterBrief = { id: 'shiro', name: 'シロ', description: '白い犬' };

const SCENES: { location: string; cast: CharacterBrief[] }[] = [
  { location: 'warung kopi, sore hari, lampu gantung kuning', cast: [BIMA, SARI, OYEN] },
  { location: 'con hẻm nhỏ, đêm mưa', cast: [LAN, MEO] },
  { location: '老家的厨房，清晨', cast: [XIAO, SHIRO] },
  { location: 'rooftop at dusk', cast: [LAN, SARI] },
];

describe('framing: everyone described in a scene is inside the safe area', () => {
  it('keeps every figure, animals included, wholly inside the safe area in every seed and shot', async () => {
    // Prepare
    const width = 540;
    const height = 960;
    const area = safeArea(width, height);
    const measured: { scene: string; seed: number; character: string; share: number }[] = [];

    // Act
    for (const [index, { location, cast }] of SCENES.entries()) {
      for (let seed = 0; seed < 12; seed++) {
        const { result } = await model.drawKeyframe({
          scene: scene(location, cast, `s${index}`),
          width,
          height,
          seed,
          references: {},
        });
        for (const character of cast) {
          const region = result.regions[character.id];
          measured.push({
            scene: location,
            seed,
            character: character.id,
            share: region ? shareInside(region, area) : 0,
          });
        }
      }
    }

    // Assess: the offenders, by name; a figure cut by the frame or the margin counts
    expect(measured.filter(({ share }) => share < 0.999)).toEqual([]);
  });

  it('turns every character who can speak to the camera, in any seed and cast', () => {
    // Prepare
    const area: ActingArea = {
      width: 540,
      height: 960,
      horizonY: 420,
      vanishX: 270,
      nearGroundY: 900,
      farGroundY: 560,
      ambient: '#000000',
      ambientStrength: 0,
    };
    const faced: { seed: number; character: string; facing: string }[] = [];

    // Act
    for (let seed = 0; seed < 200; seed++) {
      for (const cast of [
        [BIMA, SARI, OYEN],
        [LAN, XIAO],
        [XIAO, SHIRO, LAN],
      ]) {
        const blocking = blockScene(scene('park', cast), area, seededRandom('blocking', seed));
        for (const actor of blocking) faced.push({ seed, character: actor.character.id, facing: actor.pose.facing });
      }
    }

    // Assess
    const speakers = new Set(['bima', 'sari', 'lan', 'xiao']);
    expect(faced.filter((each) => speakers.has(each.character) && each.facing !== 'front')).toEqual([]);
  });
});
