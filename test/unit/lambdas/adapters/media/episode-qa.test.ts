import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureLoudness, mixEpisodeAudio } from '../../../../../lambdas/adapters/media/episode-audio.js';
import { checkEpisode, type EpisodeQaRequest } from '../../../../../lambdas/adapters/media/episode-qa.js';
import { runFfmpeg } from '../../../../../lambdas/adapters/media/ffmpeg.js';
import { fontFiles } from '../../../../../lambdas/adapters/media/fonts.js';
import type { QaCheckName } from '../../../../../lambdas/core/domain/scene-artifacts.js';
import type { SubtitleCue } from '../../../../../lambdas/core/text/subtitles.js';
import { scratchDir } from '../../../../support/media-fixtures.js';

const WIDTH = 180;
const HEIGHT = 320;
const FPS = 12;
const SECONDS = 3;
const CUES: SubtitleCue[] = [
  { startSeconds: 0.5, endSeconds: 1.2, text: 'Anh Minh! Em về rồi!' },
  { startSeconds: 1.6, endSeconds: 2.6, text: '你好，我回来了！' },
];
/** The dialogue speaks under each cue: a 220 Hz tone. */
const SPOKEN = CUES.map((cue) => `between(t,${cue.startSeconds},${cue.endSeconds})`).join('+');

/**
 * Each check is proven on a doctored input made here with ffmpeg: the clean episode passes
 * every check, and each doctoring fails exactly the check that names its defect.
 */
describe('QA before delivery', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let clean: EpisodeQaRequest;

  const file = (name: string) => path.join(dir, name);

  /** An MP4 of `video` (a lavfi graph) and `audioFile`, optionally with extra output options for the audio. */
  async function encode(
    name: string,
    video: string,
    audioFile: string,
    audioInputOptions: string[] = [],
  ): Promise<string> {
    const output = file(name);
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      video,
      ...audioInputOptions,
      '-i',
      audioFile,
      '-map',
      '0:v',
      '-map',
      '1:a',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-r',
      String(FPS),
      '-c:a',
      'aac',
      '-b:a',
      '128k',
      '-ar',
      '48000',
      '-y',
      output,
    ]);
    return output;
  }

  /** The clean request with some parts doctored; the delivered file's loudness is measured afresh. */
  async function doctored(parts: Partial<EpisodeQaRequest>): Promise<EpisodeQaRequest> {
    const videoFile = parts.videoFile ?? clean.videoFile;
    return { ...clean, ...parts, loudness: parts.loudness ?? (await measureLoudness(videoFile)) };
  }

  async function failedChecks(request: EpisodeQaRequest): Promise<QaCheckName[]> {
    const qa = await checkEpisode(request);
    expect(qa.passed).toBe(qa.checks.every((c) => c.passed));
    return qa.checks.filter((c) => !c.passed).map((c) => c.name);
  }

  const movingPicture = `testsrc2=s=${WIDTH}x${HEIGHT}:r=${FPS}:d=${SECONDS}`;

  beforeAll(async () => {
    ({ dir, cleanup } = await scratchDir());
    const dialogueFile = file('dialogue.wav');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      `aevalsrc='0.1*sin(2*PI*220*t)*(${SPOKEN})':s=48000:d=${SECONDS}`,
      '-ac',
      '2',
      '-c:a',
      'pcm_f32le',
      '-y',
      dialogueFile,
    ]);
    const mixFile = file('mix.wav');
    await mixEpisodeAudio({ dialogueFile, outputFile: mixFile });
    const videoFile = await encode('clean.mp4', movingPicture, mixFile);
    clean = {
      videoFile,
      dialogueFile,
      cues: CUES,
      burnedCues: CUES,
      fontFiles: fontFiles().map((font) => font.file),
      fps: FPS,
      loudness: await measureLoudness(videoFile),
    };
  });
  afterAll(() => cleanup());

  it('passes a clean episode on every check, and reports each one', async () => {
    // Act
    const qa = await checkEpisode(clean);

    // Assess
    expect(qa.checks.map((c) => c.name)).toEqual([
      'black-frames',
      'frozen-frames',
      'dialogue-silence',
      'av-drift',
      'loudness',
      'subtitle-timing',
      'subtitle-glyphs',
    ]);
    expect(qa.checks.filter((c) => !c.passed)).toEqual([]);
    expect(qa.passed).toBe(true);
  });

  it('fails black picture longer than 0.5 s, and not a shorter one', async () => {
    // Prepare
    const mixFile = file('mix.wav');
    const longBlack = await encode(
      'black-long.mp4',
      `${movingPicture},drawbox=color=black:t=fill:enable='between(t,1,1.8)'`,
      mixFile,
    );
    const shortBlack = await encode(
      'black-short.mp4',
      `${movingPicture},drawbox=color=black:t=fill:enable='between(t,1,1.3)'`,
      mixFile,
    );

    // Act
    const long = await failedChecks(await doctored({ videoFile: longBlack }));
    const short = await failedChecks(await doctored({ videoFile: shortBlack }));

    // Assess: a black picture is also a still one, so frozen-frames may say so too; nothing else fails.
    expect(long).toContain('black-frames');
    expect(long.filter((name) => name !== 'frozen-frames')).toEqual(['black-frames']);
    expect(short).toEqual([]);
  });

  it('fails a picture frozen for longer than 0.5 s', async () => {
    // Prepare: the moving picture with its frame at 1 s held for a second, the episode still 3 s long.
    const held = await encode(
      'frozen.mp4',
      `${movingPicture},loop=loop=${FPS - 1}:size=1:start=${FPS},setpts=N/${FPS}/TB,trim=end_frame=${FPS * SECONDS}`,
      file('mix.wav'),
    );

    // Act
    const failed = await failedChecks(await doctored({ videoFile: held }));

    // Assess
    expect(failed).toEqual(['frozen-frames']);
  });

  it('fails a cue under which the dialogue is silent', async () => {
    // Prepare: the second line's voice is missing.
    const mute = file('dialogue-missing-line.wav');
    const firstOnly = `between(t,${CUES[0]!.startSeconds},${CUES[0]!.endSeconds})`;
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      `aevalsrc='0.1*sin(2*PI*220*t)*(${firstOnly})':s=48000:d=${SECONDS}`,
      '-ac',
      '2',
      '-c:a',
      'pcm_f32le',
      '-y',
      mute,
    ]);

    // Act
    const qa = await checkEpisode(await doctored({ dialogueFile: mute }));

    // Assess
    expect(qa.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['dialogue-silence']);
    expect(qa.checks.find((c) => c.name === 'dialogue-silence')?.detail).toContain('我回来了');
  });

  it('fails audio that starts or ends more than a frame away from the picture', async () => {
    // Prepare: the same mix, once delayed by 0.25 s and once cut 0.25 s short.
    const delayed = await encode('delayed.mp4', movingPicture, file('mix.wav'), ['-itsoffset', '0.25']);
    const shortened = await encode('shortened.mp4', movingPicture, file('mix.wav'), ['-t', String(SECONDS - 0.25)]);
    const withinAFrame = await encode('within-a-frame.mp4', movingPicture, file('mix.wav'), [
      '-t',
      String(SECONDS - 0.5 / FPS),
    ]);

    // Act
    const late = await failedChecks(await doctored({ videoFile: delayed }));
    const short = await failedChecks(await doctored({ videoFile: shortened }));
    const close = await failedChecks(await doctored({ videoFile: withinAFrame }));

    // Assess
    expect(late).toContain('av-drift');
    expect(short).toContain('av-drift');
    expect(close).not.toContain('av-drift');
  });

  it('fails a mix too quiet for the feeds, and one whose true peak is over -1 dBTP', async () => {
    // Prepare: the clean mix 12 dB down; and at its level but with one full-scale click.
    const quietMix = file('quiet.wav');
    await runFfmpeg(['-i', file('mix.wav'), '-af', 'volume=-12dB', '-c:a', 'pcm_f32le', '-y', quietMix]);
    const clickedMix = file('clicked.wav');
    await runFfmpeg([
      '-i',
      file('mix.wav'),
      '-af',
      "aeval='if(between(t,2.8,2.802),0.999,val(ch))':c=same",
      '-c:a',
      'pcm_f32le',
      '-y',
      clickedMix,
    ]);
    const quiet = await encode('quiet.mp4', movingPicture, quietMix);
    const clicked = await encode('clicked.mp4', movingPicture, clickedMix);

    // Act
    const quietQa = await checkEpisode(await doctored({ videoFile: quiet }));
    const clickedQa = await checkEpisode(await doctored({ videoFile: clicked }));

    // Assess
    expect(quietQa.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['loudness']);
    expect(quietQa.checks.find((c) => c.name === 'loudness')?.detail).toMatch(/outside -14 ± 1 LU/);
    expect(clickedQa.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['loudness']);
    expect(clickedQa.checks.find((c) => c.name === 'loudness')?.detail).toMatch(/true peak .* over -1 dBTP/);
  });

  it('fails cues outside the video and cues that overlap', async () => {
    // Prepare
    const pastTheEnd: SubtitleCue[] = [CUES[0]!, { ...CUES[1]!, endSeconds: SECONDS + 0.5 }];
    const overlapping: SubtitleCue[] = [{ ...CUES[0]!, endSeconds: 1.9 }, CUES[1]!];

    // Act
    const outside = await failedChecks(await doctored({ burnedCues: pastTheEnd }));
    const overlap = await failedChecks(await doctored({ burnedCues: overlapping }));

    // Assess
    expect(outside).toEqual(['subtitle-timing']);
    expect(overlap).toEqual(['subtitle-timing']);
  });

  it('fails a subtitle character that no subtitle font has a glyph for', async () => {
    // Prepare: U+E000 is a private-use character, drawn by none of the subtitle fonts.
    const cues = [CUES[0]!, { ...CUES[1]!, text: `${CUES[1]!.text}\u{E000}` }];

    // Act
    const qa = await checkEpisode(await doctored({ burnedCues: cues }));

    // Assess
    expect(qa.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['subtitle-glyphs']);
    expect(qa.checks.find((c) => c.name === 'subtitle-glyphs')?.detail).toContain('U+E000');
  });
});
