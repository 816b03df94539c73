import type { CharacterBrief, KeyframeRequest, SceneBrief } from '../contracts/ports.js';

/** The prompts every image and video provider is given, so a profile change keeps the same description of a shot. */

const styled = (style: string | undefined) => (style ? ` Visual style: ${style}.` : '');

export function referenceSheetPrompt(character: CharacterBrief, style?: string): string {
  return (
    `Character reference sheet for an animated short drama: ${character.name}, ${character.description}. ` +
    `Full body, front view, neutral pose, plain light background, even studio lighting, no text.${styled(style)}`
  );
}

export function keyframePrompt(request: KeyframeRequest): string {
  const cast = request.scene.characters.map((c) => `${c.name} (${c.description})`).join('; ');
  return (
    `Vertical cinematic keyframe for a short drama. Setting: ${request.scene.location}. ` +
    `${request.scene.outline}${request.scene.mood ? ` Mood: ${request.scene.mood}.` : ''}${request.scene.camera ? ` Camera: ${request.scene.camera}.` : ''} ` +
    `Characters, matching their reference images exactly: ${cast}. No text, no captions.${styled(request.scene.style)}`
  );
}

/** What the video model is asked to move: the place, what happens, and the shot. */
export function clipPrompt(scene: Pick<SceneBrief, 'location' | 'outline' | 'camera' | 'style'>): string {
  return `${scene.location}. ${scene.outline}${scene.camera ? ` Camera: ${scene.camera}.` : ''}${styled(scene.style)}`;
}
