import { describe, expect, it } from 'vitest';
import {
  placeClassOf,
  sceneSetting,
} from '../../../../../../../lambdas/adapters/providers/offline/storyboard/backgrounds.js';

describe('sceneSetting', () => {
  it.each([
    ['Hanoi railway station, night, light rain', { place: 'station', time: 'night', weather: 'rain', indoor: false }],
    ["Grandmother's kitchen, dawn", { place: 'kitchen', time: 'dawn', weather: 'clear', indoor: true }],
    ['chợ Đồng Xuân, ban ngày', { place: 'market', time: 'day', indoor: false }],
    ['phố cổ Hà Nội, đêm mưa', { place: 'street', time: 'night', weather: 'rain' }],
    ['办公室，晚上', { place: 'office', time: 'night', indoor: true }],
    ['海边，黄昏，雾', { place: 'waterfront', time: 'dusk', weather: 'fog' }],
    ['somewhere', { place: 'street', time: 'day', weather: 'clear' }],
  ])('%s', (location, expected) => {
    // Act
    const setting = sceneSetting(location);

    // Assess
    expect(setting).toMatchObject(expected);
  });
});

describe('sceneSetting in every supported language', () => {
  it.each([
    ['ครัว ตอนดึก', 'kitchen', 'night'],
    ['부엌, 밤', 'kitchen', 'night'],
    ['Dapur rumah, malam', 'kitchen', 'night'],
    ['Stasiun Gambir, malam', 'station', 'night'],
    ['Palengke, umaga', 'market', 'day'],
    ['駅のホーム、夜', 'station', 'night'],
    ['台北車站，晚上', 'station', 'night'],
    ['바닷가 마을, 저녁', 'waterfront', 'dusk'],
  ])('reads %s as %s at %s', (location, place, time) => {
    // Act
    const setting = sceneSetting(location);

    // Assess
    expect(setting).toMatchObject({ place, time });
  });
});

describe('places by meaning class', () => {
  it.each([
    ['warung kopi, sore hari, lampu gantung kuning', 'stall', 'dusk'],
    ['quán cóc đầu ngõ, buổi trưa', 'stall', 'day'],
    ['路边摊，夜晚', 'stall', 'night'],
    ['屋台の前、夜', 'stall', 'night'],
    ['포장마차, 밤', 'stall', 'night'],
    ['แผงลอยริมถนน กลางวัน', 'stall', 'day'],
    ['karinderya sa kanto, umaga', 'stall', 'day'],
    ['the noodle stalls by the pier, evening', 'stall', 'dusk'],
    ['gang sempit, malam, hujan', 'street', 'night'],
    ['the ferry deck, night, rain on the railings', 'ferry', 'night'],
    ['trên phà qua sông, hoàng hôn', 'ferry', 'dusk'],
    ['渡轮甲板上，夜晚', 'ferry', 'night'],
    ['フェリーの甲板、夜', 'ferry', 'night'],
    ['여객선 갑판, 밤', 'ferry', 'night'],
    ['ดาดฟ้าเรือข้ามฟาก ตอนเย็น', 'ferry', 'dusk'],
    ['di atas kapal feri, malam', 'ferry', 'night'],
    ['Courtyard at dawn, peach blossoms', 'park', 'dawn'],
    ['老家的厨房，傍晚', 'kitchen', 'dusk'],
    ['おばあちゃんの台所、朝', 'kitchen', 'day'],
  ])('reads %s as a %s at %s', (location, place, time) => {
    // Act
    const setting = sceneSetting(location);

    // Assess
    expect(setting).toMatchObject({ place, time });
  });

  it.each([
    ['Sari membuka warungnya sebelum subuh.', 'stall'],
    ['The stalls close one by one.', 'stall'],
    ['Mai hides Theo on the ferry.', 'ferry'],
    ['Bà nấu cơm trong bếp.', 'kitchen'],
  ])('finds the class of place a sentence names: %s', (sentence, place) => {
    // Act
    const found = placeClassOf(sentence);

    // Assess
    expect(found).toBe(place);
  });

  it("reads the scene's outline when its location names no place", () => {
    // Act
    const setting = sceneSetting("Pak Bima's", undefined, 'Sari opens her warung before dawn.');

    // Assess
    expect(setting.place).toBe('stall');
  });
});
