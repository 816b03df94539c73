import { describe, expect, it } from 'vitest';
import { characterLook } from '../../../../../../../lambdas/adapters/providers/offline/storyboard/character-look.js';
import { BA, CAST, LAN, LI } from '../../../../../../support/offline-image-fixtures.js';

describe('characterLook', () => {
  it('reads English and Vietnamese keywords', () => {
    // Act
    const lan = characterLook(LAN);

    // Assess
    expect(lan.hairStyle).toBe('long');
    expect(lan.costumeKind).toBe('ao-dai');
    expect(lan.costume).toBe('#c3232d');
    expect(lan.gender).toBe('female');
    expect(lan.age).toBe('young');
  });

  it('reads age and kinship cues', () => {
    // Act
    const ba = characterLook(BA);
    const lan = characterLook(LAN);

    // Assess
    expect(ba.age).toBe('elder');
    expect(ba.gender).toBe('female');
    expect(ba.hairStyle).toBe('bun');
    expect(ba.costumeKind).toBe('cardigan');
    expect(ba.height).toBeLessThan(lan.height + 0.05);
  });

  it('reads Chinese descriptions', () => {
    // Prepare
    const grandmaBrief = { id: 'nai', name: '奶奶', description: '老奶奶，白发，穿紫色毛衣' };

    // Act
    const li = characterLook(LI);
    const grandma = characterLook(grandmaBrief);

    // Assess
    expect(li.hairStyle).toBe('short');
    expect(li.costumeKind).toBe('suit');
    expect(li.costume).toBe('#232127');
    expect(li.gender).toBe('male');
    expect(grandma).toMatchObject({ age: 'elder', gender: 'female', costumeKind: 'cardigan', costume: '#7a4ca3' });
  });

  it('is deterministic, and falls back on the id for what is unsaid', () => {
    // Prepare
    const blank = { id: 'extra-7', name: 'Extra', description: '' };
    const undescribed = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id, name: id, description: '' }));

    // Act
    const once = characterLook(blank);
    const again = characterLook({ ...blank });
    const fallbacks = new Set(undescribed.map((character) => JSON.stringify(characterLook(character))));

    // Assess
    expect(once).toEqual(again);
    expect(fallbacks.size).toBeGreaterThan(1);
  });

  it('gives differently described characters different looks', () => {
    // Act
    const looks = CAST.map((c) => characterLook(c));

    // Assess
    const costumes = new Set(looks.map((look) => `${look.costumeKind}/${look.costume}`));
    expect(costumes.size).toBe(CAST.length);
  });
});
