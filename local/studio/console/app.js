// The studio console: plain web components over the studio's JSON API (/api/), kept live by its
// event stream. No build step and nothing from a CDN: this file, console.css and the fonts are all.

// The token comes in the console URL's fragment, which no request carries; it is kept for this tab only.
const TOKEN_KEY = 'dramaforge-studio-token';
const fragmentToken = /(?:^#|&)token=([^&]+)/.exec(location.hash)?.[1];
if (fragmentToken) {
  sessionStorage.setItem(TOKEN_KEY, fragmentToken);
  history.replaceState(null, '', `${location.pathname}#/`);
}

/** An element with attributes and children; text is always text, never parsed as HTML. */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'className') element.className = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

async function api(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

async function act(path) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'x-dramaforge-token': sessionStorage.getItem(TOKEN_KEY) ?? '' },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message ?? `${path}: ${response.status}`);
  return body;
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
const asset = (key) => `/api/asset?key=${encodeURIComponent(key)}`;

/** Redraws are asked for by the event stream; a view coalesces them to one at a time. */
class LiveView extends HTMLElement {
  connectedCallback() {
    this.refresh();
  }
  async refresh() {
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
            : h('a', { href: `#/x/${encodeURIComponent(row.executionName)}` }, row.manifestKey ?? row.executionName);
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
    this.replaceChildren(
      h('h1', {}, 'Productions'),
      h('p', { className: 'muted' }, 'Upload a manifest under manifests/ of the studio bucket to start one.'),
      rows.length ? table : h('p', {}, 'No productions yet.'),
    );
  }
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

function scoresTable(scene, characters, threshold) {
  const ids = [
    ...new Set([
      ...(characters ?? []).map((c) => c.id),
      ...scene.keyframeAttempts.flatMap((attempt) => Object.keys(attempt.scores ?? {})),
    ]),
  ].filter((id) => scene.keyframeAttempts.some((attempt) => attempt.scores?.[id] !== undefined));
  if (scene.keyframeAttempts.length === 0) return h('p', { className: 'muted' }, 'no keyframe attempt yet');
  return h(
    'table',
    { className: 'scores' },
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
            return h(
              'td',
              { className: `score ${score >= threshold ? 'above' : 'below'}`, title: `threshold ${threshold}` },
              score === undefined ? '' : score.toFixed(3),
            );
          }),
          h('td', {}, attempt.accepted ? 'accepted' : ''),
        ),
      ),
    ),
  );
}

class ProductionView extends LiveView {
  players = new Map();
  async draw() {
    const id = this.getAttribute('production');
    const production = await api(`/api/productions/${encodeURIComponent(id)}`);
    const spent = production.spentUsd + production.unconfirmedUsd;
    const latest = production.executions[0];
    const episodes = production.episodes.map((episode) => {
      const scenes = episode.scenes.map((scene) => {
        return h(
          'div',
          { className: 'card scene', 'data-scene': `${episode.id}/${scene.sceneId}` },
          h(
            'a',
            {
              className: 'open',
              href: `#/p/${encodeURIComponent(id)}/s/${encodeURIComponent(episode.id)}/${encodeURIComponent(scene.sceneId)}`,
            },
            scene.assets.keyframe
              ? h('img', {
                  className: 'thumb',
                  alt: `keyframe of ${scene.sceneId}`,
                  src: `${asset(scene.assets.keyframe)}&v=${encodeURIComponent(scene.updatedAt)}`,
                  loading: 'lazy',
                })
              : h('div', { className: 'thumb' }),
            h('h3', {}, `${episode.id}/${scene.sceneId} `, status(scene.status)),
          ),
          scoresTable(scene, production.characters, production.consistencyThreshold),
          h(
            'div',
            { className: 'muted' },
            `cost ${usd(scene.costUsd)} · ${seconds(scene.durationSeconds)}`,
            scene.failure ? ` · ${scene.failure.error}` : '',
          ),
        );
      });
      let player = this.players.get(episode.id);
      const finished =
        episode.scenes.length > 0 &&
        episode.scenes.every((scene) => ['COMPLETE', 'FAILED', 'BUDGET_EXCEEDED'].includes(scene.status)) &&
        !['RUNNING', 'AWAITING_APPROVAL'].includes(production.status);
      if (!player && finished) {
        player = h(
          'video',
          {
            controls: true,
            preload: 'metadata',
            width: 270,
            src: asset(`productions/${id}/episodes/${episode.id}.mp4`),
          },
          h('track', {
            kind: 'subtitles',
            default: true,
            srclang: production.language,
            label: production.language,
            src: asset(`productions/${id}/episodes/${episode.id}.vtt`),
          }),
        );
        this.players.set(episode.id, player);
      }
      return h(
        'section',
        { className: 'episode', 'data-episode': episode.id },
        h('h2', {}, `${episode.id}: ${episode.title}`),
        h('div', { className: 'grid' }, scenes),
        player ? h('h3', {}, 'Episode') : null,
        player,
      );
    });
    const decide = (action) =>
      h(
        'button',
        {
          type: 'button',
          className: action,
          onclick: async () => {
            try {
              await act(`/api/productions/${encodeURIComponent(id)}/${action}`);
              notify(`${action === 'approve' ? 'approved' : 'rejected'}: ${id}`);
            } catch (error) {
              notify(error.message);
            }
          },
        },
        action === 'approve' ? 'Approve' : 'Reject',
      );
    const review =
      production.status === 'AWAITING_APPROVAL' && production.review
        ? h(
            'p',
            { className: 'review' },
            `Waiting for a decision on the ${production.review.cut} cut (before ${production.review.before}), until ${when(production.review.expiresAt)}: `,
            decide('approve'),
            ' ',
            decide('reject'),
          )
        : null;
    if (production.status !== 'RUNNING') {
      // Kept across refreshes so the storyboard is fetched once, not on every poll.
      this.storyboard ??= h('img', {
        className: 'storyboard',
        alt: 'storyboard',
        src: asset(`productions/${id}/storyboard.png`),
      });
    }
    this.replaceChildren(
      h('h1', { lang: production.language }, production.title, ' ', status(production.status)),
      review,
      h(
        'p',
        { className: 'muted' },
        `${production.productionId} · priority ${production.priority} · spent ${usd(spent)} of $${production.budgetUsd.toFixed(2)}`,
        production.unconfirmedUsd > 0 ? ` (${usd(production.unconfirmedUsd)} unconfirmed)` : '',
      ),
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
      latest ? h('df-execution-graph', { execution: latest.name }) : null,
      h('div', { lang: production.language }, episodes),
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
    const lines = scene.script?.lines ?? scene.card?.lines ?? [];
    // Made once, so a redraw does not restart what is playing.
    if (scene.assets.voice && !this.media.voice)
      this.media.voice = h('audio', { controls: true, src: asset(scene.assets.voice) });
    // The offline model's clip is a camera move the episode's encode renders (docs/editor-exports.md): no video of its own to play.
    if (scene.assets.clip?.endsWith('/camera-move.json') && !this.media.clip)
      this.media.clip = h('p', { className: 'muted' }, 'a camera move over the keyframe, rendered in the episode');
    else if (scene.assets.clip && !this.media.clip)
      this.media.clip = h('video', { controls: true, width: 270, src: asset(scene.assets.clip) });
    const characters = [...new Set(scene.keyframeAttempts.flatMap((attempt) => Object.keys(attempt.scores ?? {})))].map(
      (character) => ({ id: character }),
    );
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
    this.replaceChildren(
      h('p', {}, h('a', { href: `#/p/${encodeURIComponent(id)}` }, `← ${id}`)),
      h('h1', {}, `${episodeId}/${sceneId} `, status(scene.status)),
      h(
        'p',
        { className: 'muted' },
        `cost ${usd(scene.costUsd)} · ${seconds(scene.durationSeconds)} · ${scene.attempts} attempts`,
        scene.failure ? ` · ${scene.failure.error}: ${scene.failure.cause}` : '',
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
          h('h3', {}, `Consistency per attempt (threshold ${scene.consistencyThreshold})`),
          scoresTable(scene, characters, scene.consistencyThreshold),
        ),
        h(
          'div',
          { lang: scene.language },
          h('h2', {}, 'Script'),
          h(
            'div',
            { className: 'lines' },
            lines.length
              ? lines.map((line) => h('p', {}, h('b', {}, line.character), line.line))
              : h('p', { className: 'muted' }, 'not written yet'),
          ),
          h('h2', {}, 'Voice'),
          this.media.voice ?? h('p', { className: 'muted' }, 'not synthesized yet'),
          h('h2', {}, 'Clip'),
          this.media.clip ?? h('p', { className: 'muted' }, 'not generated yet'),
        ),
      ),
    );
  }
}

/** The execution graph as the Step Functions console draws it, from the ASL: states coloured by status, Maps with their iteration counts. */
class ExecutionGraph extends LiveView {
  async draw() {
    const execution = await api(`/api/executions/${encodeURIComponent(this.getAttribute('execution'))}`);
    this.replaceChildren(
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
    this.replaceChildren(
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
    this.querySelector('.head').replaceChildren(
      execution.parent
        ? h('p', {}, h('a', { href: `#/x/${encodeURIComponent(execution.parent)}` }, `← ${execution.parent}`))
        : null,
      h('h1', {}, `${execution.kind} execution `, status(execution.status)),
      execution.status === 'RUNNING' ? stop : null,
      h('p', { className: 'muted' }, execution.executionArn),
      h(
        'p',
        { className: 'muted' },
        `started ${when(execution.startedAt)}`,
        execution.endedAt ? ` · ended ${when(execution.endedAt)}` : '',
        execution.error ? ` · ${execution.error.name}: ${execution.error.cause}` : '',
      ),
    );
    for (const child of this.querySelectorAll('df-execution-graph, df-history'))
      if (child.dataset.loaded) child.refresh();
  }
}

customElements.define('df-productions', ProductionsView);
customElements.define('df-production', ProductionView);
customElements.define('df-scene', SceneView);
customElements.define('df-execution-graph', ExecutionGraph);
customElements.define('df-history', HistoryView);
customElements.define('df-execution', ExecutionView);

function route() {
  const [, kind, ...rest] = location.hash.replace(/^#/, '').split('/').map(decodeURIComponent);
  const view = document.getElementById('view');
  notify('');
  if (kind === 'p' && rest[1] === 's')
    view.replaceChildren(h('df-scene', { production: rest[0], episode: rest[2], scene: rest[3] }));
  else if (kind === 'p') view.replaceChildren(h('df-production', { production: rest[0] }));
  else if (kind === 'x') view.replaceChildren(h('df-execution', { execution: rest[0] }));
  else view.replaceChildren(h('df-productions'));
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
