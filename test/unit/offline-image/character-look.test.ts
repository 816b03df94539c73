import { describe, expect, it } from 'vitest';
import { characterLook } from '../../../lambdas/adapters/providers/offline/storyboard/character-look.js';
import { BA, CAST, LAN, LI } from './fixtures.js';

describe('characterLook', () => {
  it('reads English and Vietnamese keywords', () => {
    const lan = characterLook(LAN);
    expect(lan.hairStyle).toBe('long');
    expect(lan.costumeKind).toBe('ao-dai');
    expect(lan.costume).toBe('#c3232d');
    expect(lan.gender).toBe('female');
    expect(lan.age).toBe('young');
  });

  it('reads age and kinship cues', () => {
    const ba = characterLook(BA);
    expect(ba.age).toBe('elder');
    expect(ba.gender).toBe('female');
    expect(ba.hairStyle).toBe('bun');
    expect(ba.costumeKind).toBe('cardigan');
    expect(ba.height).toBeLessThan(characterLook(LAN).height + 0.05);
  });

  it('reads Chinese descriptions', () => {
    const li = characterLook(LI);
    expect(li.hairStyle).toBe('short');
    expect(li.costumeKind).toBe('suit');
    expect(li.costume).toBe('#232127');
    expect(li.gender).toBe('male');
    const grandma = characterLook({ id: 'nai', name: '奶奶', description: '老奶奶，白发，穿紫色毛衣' });
    expect(grandma).toMatchObject({ age: 'elder', gender: 'female', costumeKind: 'cardigan', costume: '#7a4ca3' });
  });

  it('is deterministic, and falls back on the id for what is unsaid', () => {
    const blank = { id: 'extra-7', name: 'Extra', description: '' };
    expect(characterLook(blank)).toEqual(characterLook({ ...blank }));
    const fallbacks = new Set(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => JSON.stringify(characterLook({ id, name: id, description: '' }))));
    expect(fallbacks.size).toBeGreaterThan(1);
  });

  it('gives differently described characters different looks', () => {
    const costumes = new Set(CAST.map((c) => `${characterLook(c).costumeKind}/${characterLook(c).costume}`));
    expect(costumes.size).toBe(CAST.length);
  });
});
