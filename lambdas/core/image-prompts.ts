import type { CharacterBrief, KeyframeRequest } from './ports.js';

/** The prompts every image provider draws from, so a profile change keeps the same description of a shot. */
export function referenceSheetPrompt(character: CharacterBrief): string {
  return (
    `Character reference sheet for an animated short drama: ${character.name}, ${character.description}. ` +
    'Full body, front view, neutral pose, plain light background, even studio lighting, no text.'
  );
}

export function keyframePrompt(request: KeyframeRequest): string {
  const cast = request.scene.characters.map((c) => `${c.name} (${c.description})`).join('; ');
  return (
    `Vertical cinematic keyframe for a short drama. Setting: ${request.scene.location}. ` +
    `${request.scene.outline}${request.scene.mood ? ` Mood: ${request.scene.mood}.` : ''} ` +
    `Characters, matching their reference images exactly: ${cast}. No text, no captions.`
  );
}
