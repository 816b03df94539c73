// The studio console: plain web components over the studio's JSON API (/api/), kept live by its
// event stream. No build step and nothing from a CDN: this file, console.css and the fonts are all.

// The token comes in the console URL's fragment, which no request carries; it is kept for this tab only.
const TOKEN_KEY = 'dramaforge-studio-token';
const fragmentToken = /(?:^#|&)token=([^&]+)/.exec(location.hash)?.[1];
if (fragmentToken) {
  sessionStorage.setItem(TOKEN_KEY, fragmentToken);
  history.replaceState(null, '', `${location.pathname}#/`);
}

/**
 * Children as nodes: arrays flattened, text as text (never parsed as HTML), and nothing at all for
 * undefined, null or false. The DOM's own append and replaceChildren would print those as words.
 */
function nodes(children) {
  return children
    .flat(Number.POSITIVE_INFINITY)
    .filter((child) => child !== undefined && child !== null && child !== false)
    .map((child) => (child instanceof Node ? child : document.createTextNode(String(child))));
}

/** An element with attributes and children (as `nodes` makes them). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'className') element.className = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...nodes(children));
  return element;
}

/** Replaces an element's children, as `nodes` makes them. Every view draws through it, never the DOM's own. */
function fill(element, ...children) {
  element.replaceChildren(...nodes(children));
}

async function api(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

async function act(path, body) {
  const headers = { 'x-dramaforge-token': sessionStorage.getItem(TOKEN_KEY) ?? '' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.message ?? `${path}: ${response.status}`);
  return answer;
}

function notify(text) {
  const notice = document.getElementById('notice');
  notice.textContent = text;
  notice.hidden = !text;
}

const usd = (value) => `$${Number(value ?? 0).toFixed(4)}`;
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');
const seconds = (value) => (value === undefined || value === null ? '' : `${Number(value).toFixed(1)} s`);
const status = (value) => h('span', { className: `status ${value ?? ''}` }, value ?? '');
const attempts = (count) => `${count} ${count === 1 ? 'attempt' : 'attempts'}`;
const asset = (key) => `/api/asset?key=${encodeURIComponent(key)}`;

/** Redraws are asked for by the event stream; a view coalesces them to one at a time. */
class LiveView extends HTMLElement {
  connectedCallback() {
    this.refresh();
  }
  async refresh() {
    // A view folded away in a closed <details> reads nothing; it draws when the details open.
    if (this.closest('details:not([open])')) return;
    if (this.drawing) {
      this.again = true;
      return;
    }
    this.drawing = true;
    try {
      await this.draw();
      this.dataset.loaded = 'true';
    } catch (error) {
      notify(error.message);
    } finally {
      this.drawing = false;
      if (this.again) {
        this.again = false;
        this.refresh();
      }
    }
  }
}

class ProductionsView extends LiveView {
  async draw() {
    const rows = await api('/api/productions');
    const table = h(
      'table',
      { className: 'productions' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Production', 'Status', 'Scenes', 'Spend / budget', 'Priority', 'Started', 'Ended'].map((title) =>
            h('th', {}, title),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((row) => {
          const spent = (row.spentUsd ?? 0) + (row.unconfirmedUsd ?? 0);
          const share = row.budgetUsd ? Math.min(100, (spent / row.budgetUsd) * 100) : 0;
          const name = row.productionId
            ? h(
                'a',
                { href: `#/p/${encodeURIComponent(row.productionId)}` },
                row.title ?? row.productionId,
                h('div', { className: 'muted' }, row.productionId),
              )
            : [
                h('a', { href: `#/x/${encodeURIComponent(row.executionName)}` }, row.manifestKey ?? row.executionName),
                row.problems?.length ? problemList(row.problems, 3) : null,
              ];
          return h(
            'tr',
            { 'data-production': row.productionId ?? row.executionName, lang: row.language },
            h('td', {}, name),
            h(
              'td',
              { className: 'production-status' },
              status(row.status),
              row.executionStatus && row.executionStatus !== row.status ? [' ', status(row.executionStatus)] : null,
            ),
            h(
              'td',
              { className: 'scene-count' },
              row.scenesTotal === undefined ? '' : `${row.scenesDone} / ${row.scenesTotal}`,
            ),
            h(
              'td',
              {},
              row.budgetUsd === undefined
                ? ''
                : [
                    h('span', { className: 'meter' }, h('span', { style: `width:${share}%` })),
                    ` ${usd(spent)} of $${Number(row.budgetUsd).toFixed(2)}`,
                  ],
            ),
            h('td', {}, row.priority ?? ''),
            h('td', {}, when(row.startedAt)),
            h('td', {}, when(row.endedAt)),
          );
        }),
      ),
    );
    fill(
      this,
      h('h1', {}, 'Productions'),
      h('p', { className: 'muted' }, 'Upload a manifest under manifests/ of the studio bucket to start one.'),
      rows.length ? table : h('p', {}, 'No productions yet.'),
    );
  }
}

/** A rejected manifest's problems, one `path: reason` a line; past `limit`, how many more. */
function problemList(problems, limit = problems.length) {
  return h(
    'ul',
    { className: 'problems' },
    problems.slice(0, limit).map((problem) => h('li', {}, h('code', {}, problem.path), ': ', problem.reason)),
    problems.length > limit ? h('li', { className: 'muted' }, `and ${problems.length - limit} more`) : null,
  );
}

/** A bar per key, scaled to the largest: cost by stage, provider or model. */
function costChart(title, values) {
  const entries = Object.entries(values ?? {}).sort((a, b) => b[1] - a[1]);
  const largest = Math.max(...entries.map(([, value]) => value), 0);
  return h(
    'div',
    { className: 'chart', 'data-chart': title },
    h('h3', {}, title),
    entries.length === 0
      ? h('p', { className: 'muted' }, 'nothing spent yet')
      : entries.map(([key, value]) =>
          h(
            'div',
            { className: 'bar-row' },
            h('span', {}, key),
            h(
              'div',
              {},
              h('div', { className: 'fill', style: `width:${largest ? Math.max(1, (value / largest) * 100) : 0}%` }),
            ),
            h('span', {}, usd(value)),
          ),
        ),
  );
}

/** Each attempt's score per character against the threshold it was held to; the caption names the threshold. */
function scoresTable(scene, threshold) {
  if (scene.keyframeAttempts.length === 0) return h('p', { className: 'muted' }, 'no keyframe attempt yet');
  const ids = [...new Set(scene.keyframeAttempts.flatMap((attempt) => Object.keys(attempt.scores ?? {})))];
  return h(
    'table',
    { className: 'scores' },
    h('caption', {}, `Consistency per attempt · threshold ${threshold}`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, '#'),
        ids.map((id) => h('th', {}, id)),
        h('th', {}, ''),
      ),
    ),
    h(
      'tbody',
      {},
      scene.keyframeAttempts.map((attempt) =>
        h(
          'tr',
          { className: 'attempt' },
          h('td', {}, attempt.attempt),
          ids.map((id) => {
            const score = attempt.scores?.[id];
            return score === undefined
              ? h('td', {})
              : h(
                  'td',
                  {
                    className: `score ${score >= threshold ? 'above' : 'below'}`,
                    title: `${score >= threshold ? 'at or above' : 'below'} the threshold ${threshold}`,
                  },
                  score.toFixed(3),
                );
          }),
          h('td', {}, attempt.accepted ? 'accepted' : ''),
        ),
      ),
    ),
  );
}

/** Shown when every keyframe attempt fell short and the best was kept: the scene is not what its card asks. */
function consistencyFlag(scene) {
  const kept = scene.consistency;
  if (!kept || kept.passed) return null;
  return h(
    'span',
    { className: 'flag below-threshold', title: 'every keyframe attempt fell short; the best one was kept' },
    `below threshold: best ${kept.best.toFixed(3)} < ${kept.threshold}`,
  );
}

/** Why a scene stopped, in the producer's words, with the stage it stopped at. */
function stoppedAt(scene) {
  if (!scene.reason) return null;
  const stage = scene.failedStage ? scene.failedStage.toLowerCase().replace('_', '-') : 'its stage';
  return h('p', { className: 'cause' }, h('b', {}, `Stopped at ${stage}: `), scene.reason);
}

/** The lines of a scene, each with its speaker's name. */
function dialogueLines(dialogue, names) {
  return dialogue.length
    ? dialogue.map((line) =>
        h('p', { className: 'line' }, h('b', {}, names.get(line.character) ?? line.character), line.line),
      )
    : h('p', { className: 'muted' }, 'no lines yet');
}

/** What the picture is checked against: where, the mood, the shot, what happens. */
function cardFacts(card, names) {
  if (!card) return h('p', { className: 'muted' }, 'no scene card yet');
  const fact = (label, value, className) =>
    value ? h('p', { className: `fact ${className}` }, h('span', { className: 'label' }, label), value) : null;
  return [
    fact('Location', card.location, 'location'),
    fact('Mood', card.mood, 'mood'),
    fact('Camera', card.camera, 'camera'),
    fact('Characters', card.characters.map((id) => names.get(id) ?? id).join(', '), 'characters'),
    h('p', { className: 'outline' }, card.outline),
  ];
}

function sceneCard(productionId, scene, names, threshold) {
  const href = `#/p/${encodeURIComponent(productionId)}/s/${encodeURIComponent(scene.episodeId)}/${encodeURIComponent(scene.sceneId)}`;
  return h(
    'article',
    { className: 'card scene', 'data-scene': `${scene.episodeId}/${scene.sceneId}`, 'data-status': scene.status },
    h(
      'a',
      { className: 'open', href },
      scene.assets.keyframe
        ? h('img', {
            className: 'thumb',
            alt: `keyframe of ${scene.sceneId}`,
            src: `${asset(scene.assets.keyframe)}&v=${encodeURIComponent(scene.updatedAt)}`,
            loading: 'lazy',
          })
        : h('div', { className: 'thumb' }),
    ),
    h(
      'div',
      { className: 'body' },
      h('h3', {}, h('a', { href }, `${scene.episodeId}/${scene.sceneId}`), ' ', status(scene.status)),
      stoppedAt(scene),
      consistencyFlag(scene),
      cardFacts(scene.card, names),
      h('div', { className: 'dialogue' }, dialogueLines(scene.dialogue, names)),
      scoresTable(scene, scene.consistency?.threshold ?? threshold),
      h(
        'p',
        { className: 'muted' },
        [`cost ${usd(scene.costUsd)}`, seconds(scene.durationSeconds), attempts(scene.attempts)]
          .filter(Boolean)
          .join(' · '),
      ),
    ),
  );
}

/**
 * An episode's player: the master and each delivered dub, one at a time, with its subtitles. Every cut
 * has its subtitles burned in, so its VTT track is there (for a reader) but off: they are never drawn twice.
 * Switching keeps the moment: the cuts share their pictures, so a producer compares them line by line.
 */
class EpisodePlayer extends HTMLElement {
  cuts = [];
  connectedCallback() {
    this.build();
  }
  /** Its video, buttons and caption, made once: a custom element gets no children before it is used. */
  build() {
    if (this.video) return;
    this.video = h('video', { controls: true, preload: 'metadata', width: 270 });
    this.switcher = h('div', { className: 'cuts', role: 'group', 'aria-label': 'Cut' });
    this.caption = h('div', { className: 'cut-facts' });
    this.append(this.switcher, this.video, this.caption);
  }
  /** The episode's delivered cuts, as the API lists them: a cut made again since it was loaded is loaded again. */
  show(cuts) {
    this.build();
    this.cuts = cuts;
    const selected = cuts.find((cut) => cut.language === this.selected?.language) ?? cuts[0];
    if (selected.version !== this.selected?.version || selected.language !== this.selected?.language)
      this.load(selected, selected.language === this.selected?.language);
    this.drawSwitcher();
  }
  drawSwitcher() {
    fill(
      this.switcher,
      ...this.cuts.map((cut) =>
        h(
          'button',
          {
            type: 'button',
            className: `cut ${cut.kind}`,
            'data-cut': cut.language,
            'aria-pressed': String(cut.language === this.selected.language),
            onclick: () => {
              if (cut.language === this.selected.language) return;
              this.load(cut, true);
              this.drawSwitcher();
            },
          },
          cut.kind === 'master' ? `Master · ${cut.languageName}` : `${cut.languageName} dub`,
        ),
      ),
    );
  }
  load(cut, keepMoment) {
    const { video } = this;
    const moment = keepMoment ? video.currentTime : 0;
    const playing = keepMoment && !video.paused;
    this.selected = cut;
    video.querySelector('track')?.remove();
    video.setAttribute('lang', cut.language);
    // Shaped before its metadata arrives: a player that grows when it loads moves what a producer is about to click.
    video.style.aspectRatio = `${cut.width} / ${cut.height}`;
    video.src = `${asset(cut.video)}&v=${encodeURIComponent(cut.version)}`;
    const track = h('track', {
      kind: 'subtitles',
      srclang: cut.language,
      label: cut.languageName,
      src: `${asset(cut.vtt)}&v=${encodeURIComponent(cut.version)}`,
    });
    video.append(track);
    track.track.mode = cut.subtitlesBurnedIn ? 'disabled' : 'showing';
    video.addEventListener(
      'loadedmetadata',
      () => {
        if (moment > 0) video.currentTime = Math.min(moment, video.duration);
        if (playing) video.play().catch(() => {});
      },
      { once: true },
    );
    fill(
      this.caption,
      h('p', { lang: cut.language, className: 'cut-title' }, cut.title),
      h(
        'p',
        { className: 'muted' },
        `${seconds(cut.durationSeconds)} · `,
        cut.subtitlesBurnedIn ? 'subtitles burned in · ' : '',
        h('a', { href: asset(cut.vtt), download: '' }, 'VTT'),
        ' · ',
        h('a', { href: asset(cut.srt), download: '' }, 'SRT'),
      ),
    );
  }
}

/** The top of a production's page: why it was rejected or failed, which scenes stopped and why, which fell short. */
function alerts(production) {
  const scenes = production.episodes.flatMap((episode) => episode.scenes);
  const stopped = scenes.filter((scene) => scene.reason);
  const short = scenes.filter((scene) => scene.consistency && !scene.consistency.passed);
  const review = production.review;
  return h(
    'div',
    { className: 'alerts' },
    review?.decision === 'REJECTED'
      ? h(
          'div',
          { className: 'alert rejection' },
          h('b', {}, `Rejected ${when(review.decidedAt)}: `),
          review.notes ?? 'no reason was given',
        )
      : null,
    production.failure
      ? h('div', { className: 'alert failure' }, h('b', {}, `${production.failure.error}: `), production.failure.cause)
      : null,
    stopped.length
      ? h(
          'div',
          { className: 'alert failure' },
          h('b', {}, `${stopped.length} ${stopped.length === 1 ? 'scene' : 'scenes'} stopped`),
          h(
            'ul',
            {},
            stopped.map((scene) =>
              h('li', {}, h('code', {}, `${scene.episodeId}/${scene.sceneId}`), ' ', scene.reason),
            ),
          ),
        )
      : null,
    short.length
      ? h(
          'div',
          { className: 'alert warning' },
          h(
            'b',
            {},
            `${short.length} ${short.length === 1 ? 'scene' : 'scenes'} below the consistency threshold (every attempt fell short; the best was kept)`,
          ),
          h(
            'ul',
            {},
            short.map((scene) =>
              h(
                'li',
                {},
                h('code', {}, `${scene.episodeId}/${scene.sceneId}`),
                ` best ${scene.consistency.best.toFixed(3)} < ${scene.consistency.threshold}`,
              ),
            ),
          ),
        )
      : null,
  );
}

/** The approval gate: what waits, notes, Approve and Reject. Kept across redraws so typed notes stay. */
function reviewForm(productionId, review) {
  const notes = h('textarea', {
    name: 'notes',
    rows: 3,
    maxlength: 2000,
    placeholder: 'Notes for the report: what to keep, what to change. A rejection needs them.',
  });
  const decide = (action) =>
    h(
      'button',
      {
        type: 'button',
        className: action,
        disabled: action === 'reject',
        onclick: async () => {
          for (const button of form.querySelectorAll('button')) button.disabled = true;
          try {
            const answer = await act(`/api/productions/${encodeURIComponent(productionId)}/${action}`, {
              notes: notes.value,
            });
            notify(answer.refusal ?? `${action === 'approve' ? 'approved' : 'rejected'}: ${productionId}`);
          } catch (error) {
            notify(error.message);
            form.querySelector('button.approve').disabled = false;
            form.querySelector('button.reject').disabled = notes.value.trim() === '';
          }
        },
      },
      action === 'approve' ? 'Approve' : 'Reject',
    );
  const form = h(
    'form',
    { className: 'review', onsubmit: (event) => event.preventDefault() },
    h(
      'p',
      {},
      `Waiting for a decision on the ${review.cut} cut (before ${review.before}), until ${when(review.expiresAt)}.`,
    ),
    h('label', {}, 'Notes', notes),
    h('div', { className: 'actions' }, decide('approve'), ' ', decide('reject')),
  );
  notes.addEventListener('input', () => {
    form.querySelector('button.reject').disabled = notes.value.trim() === '';
  });
  return form;
}

class ProductionView extends LiveView {
  players = new Map();
  async draw() {
    const id = this.getAttribute('production');
    const production = await api(`/api/productions/${encodeURIComponent(id)}`);
    const spent = production.spentUsd + production.unconfirmedUsd;
    const latest = production.executions[0];
    const names = new Map(production.characters.map((character) => [character.id, character.name]));
    const episodes = production.episodes.map((episode) => {
      let player = this.players.get(episode.id);
      if (episode.cuts.length > 0) {
        if (!player) {
          player = h('df-player', { 'data-episode': episode.id });
          this.players.set(episode.id, player);
        }
        player.show(episode.cuts);
      }
      return h(
        'section',
        { className: 'episode', 'data-episode': episode.id },
        h('h2', {}, `${episode.id}: ${episode.title}`),
        h(
          'div',
          { className: 'episode-body' },
          h(
            'div',
            { className: 'grid' },
            episode.scenes.length
              ? episode.scenes.map((scene) => sceneCard(id, scene, names, production.consistencyThreshold))
              : h('p', { className: 'muted' }, 'no scenes planned yet'),
          ),
          player ? h('aside', { className: 'player' }, h('h3', {}, 'Episode'), player) : null,
        ),
      );
    });
    const review = production.review;
    if (production.status === 'AWAITING_APPROVAL' && review) {
      // One form per review: a redraw keeps what the producer is typing.
      if (this.reviewFor !== review.requestedAt) {
        this.reviewFor = review.requestedAt;
        this.review = reviewForm(id, review);
      }
    } else {
      this.reviewFor = undefined;
      this.review = undefined;
    }
    // The workflow folds away, closed at first, and keeps its state across redraws; its graph reads only while open.
    this.workflow ??= h(
      'details',
      {
        className: 'workflow',
        ontoggle: (event) => {
          if (event.currentTarget.open) event.currentTarget.querySelector('df-execution-graph')?.refresh();
        },
      },
      h('summary', {}),
      h('div', { className: 'executions' }),
      h('div', { className: 'graph-slot' }),
    );
    fill(this.workflow.querySelector('summary'), 'Workflow graph and executions ', latest && status(latest.status));
    fill(
      this.workflow.querySelector('.executions'),
      h(
        'p',
        {},
        'Executions: ',
        production.executions.map((execution) => [
          h('a', { href: `#/x/${encodeURIComponent(execution.name)}` }, execution.name),
          ' ',
          status(execution.status),
          ' ',
        ]),
      ),
    );
    const slot = this.workflow.querySelector('.graph-slot');
    if (latest && slot.firstElementChild?.getAttribute('execution') !== latest.name)
      fill(slot, h('df-execution-graph', { execution: latest.name }));
    if (production.status !== 'RUNNING') {
      // Kept across refreshes so the storyboard is fetched once, not on every poll.
      this.storyboard ??= h('img', {
        className: 'storyboard',
        alt: 'storyboard',
        src: asset(`productions/${id}/storyboard.png`),
        // A production stopped before any keyframe has none.
        onerror: (event) => {
          this.storyboard = h('p', { className: 'muted' }, 'no storyboard: no scene has a keyframe');
          event.currentTarget.replaceWith(this.storyboard);
        },
      });
    }
    const decided =
      review?.decision === 'APPROVED'
        ? h(
            'p',
            { className: 'decision' },
            h('b', {}, `Approved ${when(review.decidedAt)}`),
            review.notes ? `: ${review.notes}` : '',
          )
        : null;
    fill(
      this,
      h('h1', { lang: production.language }, production.title, ' ', status(production.status)),
      alerts(production),
      this.review ?? decided,
      h(
        'p',
        { className: 'muted' },
        [
          production.productionId,
          production.priority === undefined ? '' : `priority ${production.priority}`,
          `spent ${usd(spent)} of $${production.budgetUsd.toFixed(2)}`,
        ]
          .filter(Boolean)
          .join(' · '),
        production.unconfirmedUsd > 0 ? ` (${usd(production.unconfirmedUsd)} unconfirmed)` : '',
      ),
      h('div', { lang: production.language }, episodes),
      this.workflow,
      h('h2', {}, 'Storyboard'),
      production.status === 'RUNNING'
        ? h('p', { className: 'muted' }, 'drawn when the production ends')
        : this.storyboard,
      h('h2', {}, 'Cost'),
      h(
        'div',
        { className: 'row' },
        costChart('by stage', production.cost.byStage),
        costChart('by provider', production.cost.byProvider),
        costChart('by model', production.cost.byModel),
      ),
    );
  }
}

class SceneView extends LiveView {
  media = {};
  async draw() {
    const [id, episodeId, sceneId] = ['production', 'episode', 'scene'].map((name) => this.getAttribute(name));
    const scene = await api(
      `/api/productions/${encodeURIComponent(id)}/scenes/${encodeURIComponent(episodeId)}/${encodeURIComponent(sceneId)}`,
    );
    const names = new Map(scene.characters.map((character) => [character.id, character.name]));
    // Made once, so a redraw does not restart what is playing.
    if (scene.assets.voice && !this.media.voice)
      this.media.voice = h('audio', { controls: true, src: asset(scene.assets.voice) });
    // The offline model's clip is a camera move the episode's encode renders (docs/editor-exports.md): no video of its own to play.
    if (scene.assets.clip?.endsWith('/camera-move.json') && !this.media.clip)
      this.media.clip = h('p', { className: 'muted' }, 'a camera move over the keyframe, rendered in the episode');
    else if (scene.assets.clip && !this.media.clip)
      this.media.clip = h('video', { controls: true, width: 270, src: asset(scene.assets.clip) });
    const rerender = h(
      'button',
      {
        type: 'button',
        className: 'rerender',
        onclick: async () => {
          try {
            const started = await act(
              `/api/productions/${encodeURIComponent(id)}/scenes/${encodeURIComponent(episodeId)}/${encodeURIComponent(sceneId)}/rerender`,
            );
            notify(`re-rendering ${episodeId}/${sceneId}: execution ${started.name}`);
            location.hash = `#/p/${encodeURIComponent(id)}`;
          } catch (error) {
            notify(error.message);
          }
        },
      },
      'Rerender this scene',
    );
    fill(
      this,
      h('p', {}, h('a', { href: `#/p/${encodeURIComponent(id)}` }, `← ${id}`)),
      h('h1', {}, `${episodeId}/${sceneId} `, status(scene.status)),
      stoppedAt(scene),
      consistencyFlag(scene),
      h(
        'p',
        { className: 'muted' },
        [`cost ${usd(scene.costUsd)}`, seconds(scene.durationSeconds), attempts(scene.attempts)]
          .filter(Boolean)
          .join(' · '),
      ),
      rerender,
      h(
        'div',
        { className: 'row' },
        h(
          'div',
          {},
          h('h2', {}, 'Keyframe'),
          scene.assets.keyframe
            ? h('img', {
                className: 'keyframe',
                alt: `keyframe of ${sceneId}`,
                src: `${asset(scene.assets.keyframe)}&v=${encodeURIComponent(scene.updatedAt)}`,
              })
            : h('p', { className: 'muted' }, 'not drawn yet'),
          scoresTable(scene, scene.consistencyThreshold),
        ),
        h(
          'div',
          { lang: scene.language, className: 'scene-card' },
          h('h2', {}, 'Card'),
          cardFacts(scene.card, names),
          h('h2', {}, 'Dialogue'),
          h('div', { className: 'lines' }, dialogueLines(scene.dialogue, names)),
          h('h2', {}, 'Voice'),
          this.media.voice ?? h('p', { className: 'muted' }, 'not synthesized yet'),
          h('h2', {}, 'Clip'),
          this.media.clip ?? h('p', { className: 'muted' }, 'not generated yet'),
        ),
      ),
      candidatesView(scene, names, this.media),
    );
  }
}

/**
 * A scene's video candidates side by side: each one's clip (or, for a camera move, the frame it was scored on), its
 * consistency per character against the threshold, its motion, QA's picture checks, its cost, and whether it was kept
 * and why. A candidate's video is made once and kept in `media`, so a redraw does not restart it.
 */
function candidatesView(scene, names, media) {
  if (!scene.candidates?.length) return undefined;
  const threshold = scene.consistency?.threshold ?? scene.consistencyThreshold;
  return h(
    'section',
    { className: 'candidates' },
    h('h2', {}, `Candidates · ${scene.candidates.length} bought, one kept`),
    h(
      'div',
      { className: 'candidate-row' },
      scene.candidates.map((candidate) => {
        const frame = candidate.frame && `${asset(candidate.frame)}&v=${encodeURIComponent(scene.updatedAt)}`;
        const key = `candidate ${candidate.candidate} ${candidate.clip}`;
        if (candidate.clip?.endsWith('.mp4') && !media[key])
          media[key] = h('video', { controls: true, preload: 'metadata', src: asset(candidate.clip), poster: frame });
        const picture =
          media[key] ??
          (frame
            ? h('img', {
                className: 'candidate-frame',
                alt: `candidate ${candidate.candidate} of ${scene.sceneId}`,
                src: frame,
              })
            : h('p', { className: 'muted' }, 'no picture kept'));
        const scores = Object.entries(candidate.consistency);
        return h(
          'figure',
          { className: `candidate ${candidate.kept ? 'kept' : 'passed-over'}`, 'data-candidate': candidate.candidate },
          picture,
          h(
            'figcaption',
            {},
            h('strong', {}, `#${candidate.candidate} ${candidate.kept ? 'kept' : 'passed over'}`),
            h('p', { className: 'reason' }, candidate.reason),
            h(
              'table',
              { className: 'scores' },
              h('caption', {}, `consistency · threshold ${threshold}`),
              h(
                'tbody',
                {},
                scores.map(([id, score]) =>
                  h(
                    'tr',
                    {},
                    h('th', {}, names.get(id) ?? id),
                    h('td', { className: `score ${score >= threshold ? 'above' : 'below'}` }, score.toFixed(3)),
                  ),
                ),
                h('tr', {}, h('th', {}, 'motion'), h('td', {}, candidate.motion.toFixed(2))),
              ),
            ),
            h(
              'ul',
              { className: 'checks' },
              candidate.checks.map((check) =>
                h(
                  'li',
                  { className: check.passed ? 'above' : 'below', title: check.detail },
                  `${check.passed ? 'passed' : 'failed'} ${check.name}${check.passed ? '' : `: ${check.detail}`}`,
                ),
              ),
            ),
            h(
              'p',
              { className: 'muted' },
              `${candidate.provider}/${candidate.model} · seed ${candidate.seed} · ${usd(candidate.costUsd)}`,
            ),
          ),
        );
      }),
    ),
  );
}

/** The execution graph as the Step Functions console draws it, from the ASL: states coloured by status, Maps with their iteration counts. */
class ExecutionGraph extends LiveView {
  async draw() {
    const execution = await api(`/api/executions/${encodeURIComponent(this.getAttribute('execution'))}`);
    fill(
      this,
      h(
        'h2',
        {},
        'Execution graph ',
        h('a', { href: `#/x/${encodeURIComponent(execution.name)}` }, execution.name),
        ' ',
        status(execution.status),
      ),
      h(
        'div',
        { className: 'legend' },
        ['RUNNING', 'SUCCEEDED', 'FAILED', 'CAUGHT', 'NOT_STARTED'].map((name) => h('span', {}, status(name))),
      ),
      h('div', { className: 'graph' }, drawFlow(execution.definition, execution)),
    );
  }
}

/** The states reachable by Next (and a Choice's first rule) from StartAt, in order: the flow's spine. */
function spine(machine) {
  const order = [];
  let name = machine.StartAt;
  while (name && !order.includes(name) && machine.States[name]) {
    order.push(name);
    const state = machine.States[name];
    name = state.Next ?? state.Choices?.[0]?.Next ?? state.Default;
  }
  return order;
}

function stateBox(name, state, execution) {
  const progress = execution.states[name] ?? { status: 'NOT_STARTED' };
  const branches = [
    ...(state.Catch ?? []).map((rule) => `catch → ${rule.Next}`),
    ...(state.Choices ?? []).slice(1).map((rule) => `→ ${rule.Next}`),
    state.Default ? `default → ${state.Default}` : null,
  ].filter(Boolean);
  const inner = state.ItemProcessor ?? state.Iterator;
  if (inner) {
    const counts = progress.iterations ?? { started: 0, succeeded: 0, failed: 0 };
    const children = name === 'Produce episodes' ? execution.children : [];
    return h(
      'div',
      { className: `map ${progress.status}`, 'data-state': name, 'data-status': progress.status },
      h('div', { className: 'title' }, name),
      h(
        'div',
        { className: 'counts' },
        `Map · ${counts.started} iterations · ${counts.succeeded} succeeded · ${counts.failed} failed`,
      ),
      drawFlow(inner, execution),
      children.length
        ? h(
            'div',
            { className: 'side' },
            children.map((child) =>
              h(
                'a',
                {
                  className: `state ${child.status === 'SUCCEEDED' ? 'SUCCEEDED' : child.status === 'RUNNING' ? 'RUNNING' : 'FAILED'}`,
                  href: `#/x/${encodeURIComponent(child.name)}`,
                },
                child.name.split('--').at(-1),
                h('div', { className: 'type' }, 'episode execution'),
              ),
            ),
          )
        : null,
      branches.length ? h('div', { className: 'branches' }, branches.join(' · ')) : null,
    );
  }
  return h(
    'div',
    { className: `state ${progress.status}`, 'data-state': name, 'data-status': progress.status },
    h('div', {}, name),
    h('div', { className: 'type' }, state.Type, progress.entered > 1 ? ` · ×${progress.entered}` : ''),
    branches.length ? h('div', { className: 'branches' }, branches.join(' · ')) : null,
  );
}

function drawFlow(machine, execution) {
  const order = spine(machine);
  const off = Object.keys(machine.States).filter((name) => !order.includes(name));
  const flow = h('div', { className: 'flow' });
  order.forEach((name, index) => {
    if (index > 0) flow.append(h('div', { className: 'arrow' }));
    flow.append(stateBox(name, machine.States[name], execution));
  });
  if (off.length)
    flow.append(
      h(
        'div',
        { className: 'side' },
        off.map((name) => stateBox(name, machine.States[name], execution)),
      ),
    );
  return flow;
}

/** The execution's events, a page at a time, oldest or newest first. */
class HistoryView extends LiveView {
  tokens = [undefined];
  page = 0;
  reverse = true;
  async draw() {
    const name = this.getAttribute('execution');
    const query = new URLSearchParams({ maxResults: '25', reverseOrder: String(this.reverse) });
    if (this.tokens[this.page]) query.set('nextToken', this.tokens[this.page]);
    const { events, nextToken } = await api(`/api/executions/${encodeURIComponent(name)}/history?${query}`);
    this.tokens[this.page + 1] = nextToken;
    const detailsOf = (event) => Object.entries(event).find(([key]) => key.endsWith('EventDetails'))?.[1] ?? {};
    fill(
      this,
      h('h2', {}, 'Event history'),
      h(
        'div',
        { className: 'pager' },
        h(
          'button',
          {
            type: 'button',
            disabled: this.page === 0,
            onclick: () => {
              this.page -= 1;
              this.refresh();
            },
          },
          '‹ newer',
        ),
        h('span', {}, `page ${this.page + 1}`),
        h(
          'button',
          {
            type: 'button',
            className: 'next-page',
            disabled: !nextToken,
            onclick: () => {
              this.page += 1;
              this.refresh();
            },
          },
          'older ›',
        ),
        h(
          'label',
          {},
          h('input', {
            type: 'checkbox',
            checked: this.reverse,
            onchange: (event) => {
              this.reverse = event.target.checked;
              this.tokens = [undefined];
              this.page = 0;
              this.refresh();
            },
          }),
          ' newest first',
        ),
      ),
      h(
        'table',
        { className: 'history' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['ID', 'Type', 'Step', 'Time', 'Detail'].map((title) => h('th', {}, title)),
          ),
        ),
        h(
          'tbody',
          {},
          events.map((event) => {
            const details = detailsOf(event);
            return h(
              'tr',
              { className: 'event' },
              h('td', {}, event.id),
              h('td', {}, event.type),
              h('td', {}, details.name ?? ''),
              h('td', {}, new Date(event.timestamp * 1000).toLocaleTimeString()),
              h(
                'td',
                {},
                details.error
                  ? `${details.error}: ${String(details.cause ?? '').slice(0, 160)}`
                  : details.resource
                    ? `${details.resourceType}:${details.resource}`
                    : details.index !== undefined
                      ? `iteration ${details.index}`
                      : '',
              ),
            );
          }),
        ),
      ),
    );
  }
}

class ExecutionView extends LiveView {
  async draw() {
    const name = this.getAttribute('execution');
    const execution = await api(`/api/executions/${encodeURIComponent(name)}`);
    if (this.childElementCount === 0) {
      this.append(
        h('div', { className: 'head' }),
        h('df-execution-graph', { execution: name }),
        h('df-history', { execution: name }),
      );
    }
    const stop = h(
      'button',
      {
        type: 'button',
        className: 'stop',
        onclick: async () => {
          try {
            const stopped = await act(`/api/executions/${encodeURIComponent(name)}/stop`);
            notify(`${stopped.name}: ${stopped.status}`);
          } catch (error) {
            notify(error.message);
          }
        },
      },
      'Stop execution',
    );
    fill(
      this.querySelector('.head'),
      execution.parent
        ? h('p', {}, h('a', { href: `#/x/${encodeURIComponent(execution.parent)}` }, `← ${execution.parent}`))
        : null,
      h('h1', {}, `${execution.kind} execution `, status(execution.status)),
      // Why it ended, first: a rejected manifest's every problem, not only the Fail state's sentence.
      execution.error
        ? h(
            'div',
            { className: `alert ${execution.problems ? 'rejection' : 'failure'}` },
            h('b', {}, `${execution.error.name}: `),
            execution.error.cause,
            execution.problems ? problemList(execution.problems) : null,
          )
        : null,
      execution.status === 'RUNNING' ? stop : null,
      h('p', { className: 'muted' }, execution.executionArn),
      h(
        'p',
        { className: 'muted' },
        `started ${when(execution.startedAt)}`,
        execution.endedAt ? ` · ended ${when(execution.endedAt)}` : '',
      ),
    );
    for (const child of this.querySelectorAll('df-execution-graph, df-history'))
      if (child.dataset.loaded) child.refresh();
  }
}

customElements.define('df-productions', ProductionsView);
customElements.define('df-production', ProductionView);
customElements.define('df-scene', SceneView);
customElements.define('df-player', EpisodePlayer);
customElements.define('df-execution-graph', ExecutionGraph);
customElements.define('df-history', HistoryView);
customElements.define('df-execution', ExecutionView);

function route() {
  const [, kind, ...rest] = location.hash.replace(/^#/, '').split('/').map(decodeURIComponent);
  const view = document.getElementById('view');
  notify('');
  if (kind === 'p' && rest[1] === 's')
    fill(view, h('df-scene', { production: rest[0], episode: rest[2], scene: rest[3] }));
  else if (kind === 'p') fill(view, h('df-production', { production: rest[0] }));
  else if (kind === 'x') fill(view, h('df-execution', { execution: rest[0] }));
  else fill(view, h('df-productions'));
}

window.addEventListener('hashchange', route);
route();

document.getElementById('redrive').addEventListener('click', async () => {
  try {
    const { moved } = await act('/api/redrive');
    notify(`moved ${moved} dead letters back to the video queue`);
  } catch (error) {
    notify(error.message);
  }
});

// Live: the studio says which executions moved; the view on screen redraws from the API.
const live = document.getElementById('live');
const stream = new EventSource('/api/events');
stream.addEventListener('open', () => {
  live.textContent = 'live';
  live.classList.add('on');
});
stream.addEventListener('error', () => {
  live.textContent = 'reconnecting';
  live.classList.remove('on');
});
stream.addEventListener('message', () => {
  const view = document.getElementById('view').firstElementChild;
  view?.refresh?.();
});
