import { describe, expect, it } from 'vitest';
import { sceneSetting } from '../../../lambdas/adapters/providers/offline/storyboard/backgrounds.js';

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
