import type { CharacterBrief, SceneBrief } from '../../lambdas/core/contracts/ports.js';

export const LAN: CharacterBrief = { id: 'lan', name: 'Lan', description: '25, long black hair, red áo dài' };
export const MINH: CharacterBrief = { id: 'minh', name: 'Minh', description: '27, short hair, navy jacket, jeans' };
export const BA: CharacterBrief = { id: 'ba', name: 'Bà Tư', description: 'grandmother, 70, grey bun, brown cardigan' };
export const LI: CharacterBrief = { id: 'li', name: '李伟', description: '28岁，男，短发，黑色西装' };
export const HOA: CharacterBrief = { id: 'hoa', name: 'Hoa', description: 'Cô gái 22 tuổi, tóc đuôi ngựa, váy hồng' };

export const CAST = [LAN, MINH, BA, LI, HOA];

export function scene(location: string, characters: CharacterBrief[], sceneId = 's01'): SceneBrief {
  return { episodeId: 'ep01', sceneId, index: 0, location, outline: 'They meet.', characters };
}
