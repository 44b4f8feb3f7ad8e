/*
 * xiaofa web chat simulator: lets anyone try xiaofa as a resident would on WeChat.
 *
 * Everything the server sends is untrusted: it is only ever put into the page through
 * textContent / createElement, never as HTML. No inline scripts or styles, so a strict CSP works.
 */
'use strict';

(() => {
  const API = {
    chat: '/api/chat',
    messages: '/api/chat/messages',
    areas: '/api/areas',
  };
  const POLL_MS = 3000;
  const REQUEST_TIMEOUT_MS = 30000;
  const MAX_TRANSCRIPT = 300;            // entries kept in storage
  const DIVIDER_GAP_MS = 5 * 60 * 1000;  // a time divider after 5 minutes of silence

  const KEY_USER = 'xiaofa.web.user';
  const KEY_AREA = 'xiaofa.web.area';
  const keyTranscript = (user) => `xiaofa.web.transcript.${user}`;
  const keyLastPush = (user) => `xiaofa.web.lastPush.${user}`;

  const NETWORK_ERROR = '网络不通，请稍后重试';

  const RATINGS = [
    { score: 5, label: '非常满意' },
    { score: 4, label: '满意' },
    { score: 3, label: '一般' },
    { score: 2, label: '不满意' },
    { score: 1, label: '非常不满意' },
  ];

  const ACTION_CHIPS = {
    more: { label: '还有呢', text: '还有呢' },
    handoff: { label: '转人工', text: '转人工' },
    cancel: { label: '取消', text: '取消' },
  };

  // ---------------------------------------------------------------- storage

  /** localStorage that degrades to memory when the browser refuses it (private mode, full quota). */
  const store = (() => {
    const memory = new Map();
    let ls = null;
    try {
      ls = window.localStorage;
      ls.setItem('xiaofa.web.probe', '1');
      ls.removeItem('xiaofa.web.probe');
    } catch {
      ls = null;
    }
    return {
      get(key) {
        if (memory.has(key)) return memory.get(key);
        try { return ls ? ls.getItem(key) : null; } catch { return null; }
      },
      set(key, value) {
        try {
          if (ls) { ls.setItem(key, value); memory.delete(key); return; }
        } catch { /* fall through to memory */ }
        memory.set(key, value);
      },
      remove(key) {
        memory.delete(key);
        try { if (ls) ls.removeItem(key); } catch { /* ignore */ }
      },
    };
  })();

  function newUserId() {
    const bytes = new Uint8Array(6);
    crypto.getRandomValues(bytes);
    return 'web-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function loadUser() {
    const saved = store.get(KEY_USER);
    if (saved && /^web-[0-9a-f]{12}$/.test(saved)) return saved;
    const user = newUserId();
    store.set(KEY_USER, user);
    return user;
  }

  function loadTranscript(user) {
    try {
      const parsed = JSON.parse(store.get(keyTranscript(user)) || '[]');
      return Array.isArray(parsed) ? parsed.filter((e) => e && typeof e.t === 'string') : [];
    } catch {
      return [];
    }
  }

  function saveTranscript() {
    if (state.transcript.length > MAX_TRANSCRIPT) {
      state.transcript.splice(0, state.transcript.length - MAX_TRANSCRIPT);
      renderAll(); // entry indexes shifted; rebuild so buttons point at the right entries
    }
    store.set(keyTranscript(state.user), JSON.stringify(state.transcript));
  }

  // ---------------------------------------------------------------- state and elements

  const state = {
    user: loadUser(),
    transcript: [],
    busy: false,
    lastPush: 0,
    area: '', // sent only once /api/areas has confirmed the remembered grid still exists
    pollTimer: 0,
    polling: false,
  };
  state.transcript = loadTranscript(state.user);
  state.lastPush = Number(store.get(keyLastPush(state.user))) || 0;

  const $ = (id) => document.getElementById(id);
  const el = {
    list: $('messages'),
    form: $('composer'),
    input: $('input'),
    send: $('send-btn'),
    area: $('area-select'),
    menuBtn: $('menu-btn'),
    menu: $('menu-list'),
    newSession: $('new-session-btn'),
    dialog: $('new-session-dialog'),
  };

  let typingRow = null;

  // ---------------------------------------------------------------- small DOM helpers

  /** createElement with a class and optional text (always textContent). */
  function h(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function hidden(text) {
    return h('span', 'visually-hidden', text);
  }

  /** Appends text to a node, turning http(s) links into anchors; everything else stays text. */
  function appendLinkified(node, text) {
    const re = /https?:\/\/[^\s<>"'）)，。；、]+/g;
    let last = 0;
    for (const m of text.matchAll(re)) {
      if (m.index > last) node.append(text.slice(last, m.index));
      const a = h('a', null, m[0]);
      a.href = m[0];
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      node.append(a);
      last = m.index + m[0].length;
    }
    if (last < text.length) node.append(text.slice(last));
  }

  // ---------------------------------------------------------------- time formatting

  const pad = (n) => String(n).padStart(2, '0');

  function parseTime(iso) {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? new Date() : d;
  }

  function clock(d) {
    return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  function dividerLabel(d) {
    const now = new Date();
    const startOfDay = (x) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
    const days = Math.round((startOfDay(now) - startOfDay(d)) / 86400000);
    if (days === 0) return `今天 ${clock(d)}`;
    if (days === 1) return `昨天 ${clock(d)}`;
    if (d.getFullYear() === now.getFullYear()) return `${d.getMonth() + 1}月${d.getDate()}日 ${clock(d)}`;
    return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${clock(d)}`;
  }

  // ---------------------------------------------------------------- normalising server data

  const str = (v) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));

  /** Keeps only the fields we render, with the types we expect. */
  function normaliseReply(data) {
    const arr = (v) => (Array.isArray(v) ? v : []);
    return {
      reply: str(data.reply),
      categoryLabel: str(data.categoryLabel),
      confidence: typeof data.confidence === 'number' && Number.isFinite(data.confidence) ? data.confidence : null,
      urgent: data.urgent === true,
      citations: arr(data.citations)
        .filter((c) => c && typeof c === 'object')
        .map((c) => ({
          title: str(c.title) || (c.law ? `《${str(c.law)}》${c.article ? `第${str(c.article)}条` : ''}` : str(c.id)),
          ref: c.id ? str(c.id) : '',
        }))
        .filter((c) => c.title),
      suggestions: arr(data.suggestions)
        .filter((s) => s && typeof s === 'object' && s.n !== undefined && s.n !== null)
        .map((s) => ({ n: str(s.n), title: str(s.title) })),
      actions: arr(data.actions).map(str),
      case: normaliseCase(data.case),
    };
  }

  function normaliseCase(c) {
    if (!c || typeof c !== 'object' || !c.id) return null;
    return {
      id: str(c.id),
      statusLabel: str(c.statusLabel) || str(c.status),
      advisor: str(c.advisor),
      role: str(c.role),
    };
  }

  // ---------------------------------------------------------------- rendering

  /** The index of the latest xiaofa reply: only its suggestions and action chips stay usable. */
  function latestReplyIndex() {
    for (let i = state.transcript.length - 1; i >= 0; i--) {
      if (state.transcript[i].t === 'bot') return i;
    }
    return -1;
  }

  function renderAll() {
    el.list.setAttribute('aria-busy', 'true');
    el.list.replaceChildren();
    typingRow = null;
    state.transcript.forEach((entry, i) => appendEntry(entry, i));
    el.list.setAttribute('aria-busy', 'false');
    refreshControls();
    scrollToBottom();
  }

  /** Adds one transcript entry (and a time divider when due) to the list. */
  function appendEntry(entry, index) {
    const at = parseTime(entry.at);
    const prev = index > 0 ? state.transcript[index - 1] : null;
    if (!prev || at - parseTime(prev.at) > DIVIDER_GAP_MS) {
      const divider = h('div', 'divider');
      divider.append(h('span', null, dividerLabel(at)));
      divider.setAttribute('aria-hidden', 'true');
      el.list.append(divider);
    }

    let node;
    switch (entry.t) {
      case 'user': node = renderUser(entry, at); break;
      case 'bot': node = renderReply(entry, index, at); break;
      case 'push': node = renderPush(entry, index, at); break;
      case 'welcome': node = renderWelcome(at); break;
      default: node = renderSystem(entry); break;
    }
    node.dataset.entry = String(index);
    if (typingRow) el.list.insertBefore(node, typingRow);
    else el.list.append(node);
    return node;
  }

  function botRow() {
    const row = h('div', 'row row--bot');
    const avatar = h('img', 'avatar');
    avatar.src = 'xiaofa.svg';
    avatar.alt = '';
    const stack = h('div', 'stack');
    row.append(avatar, stack);
    return { row, stack };
  }

  function renderUser(entry, at) {
    const row = h('div', 'row row--me');
    const avatar = h('span', 'avatar avatar--me', '我');
    avatar.setAttribute('aria-hidden', 'true');
    const stack = h('div', 'stack');
    const bubble = h('div', entry.failed ? 'bubble bubble--failed' : 'bubble');
    const text = h('p', 'bubble__text');
    text.append(hidden('我：'), entry.text);
    bubble.append(text);
    stack.append(bubble);
    const meta = h('div', entry.failed ? 'meta meta--failed' : 'meta', entry.failed ? `未发送 · ${clock(at)}` : clock(at));
    stack.append(meta);
    row.append(avatar, stack);
    return row;
  }

  function renderWelcome(at) {
    const { row, stack } = botRow();
    const bubble = h('div', 'bubble');
    const p = h('p', 'welcome__p');
    p.append(hidden('小法：'), '您好，我是小法，平江高新区公共法律服务助手。我可以帮您：');
    const ul = h('ul', 'welcome__list');
    const items = [
      ['法律咨询', '劳动工资、婚姻家庭、借贷、邻里纠纷等常见问题'],
      ['办事指南', '各类事项在哪办、要带什么材料'],
      ['政务公开', '查政策文件和公开信息'],
      ['转人工', '请律师、法律顾问帮您跟进'],
      ['查询进度', '看看转人工的事项办到哪一步了'],
    ];
    for (const [title, desc] of items) {
      const li = h('li');
      li.append(h('b', null, title), `：${desc}`);
      ul.append(li);
    }
    const hint = h('p', 'welcome__hint', '直接输入您的问题即可，例如“老板拖欠工资三个月怎么办”。也可以点下方的快捷按钮。');
    bubble.append(p, ul, hint);
    stack.append(bubble, h('div', 'meta', clock(at)));
    return row;
  }

  function renderReply(entry, index, at) {
    const r = entry.reply || {};
    const { row, stack } = botRow();

    const bubble = h('div', r.urgent ? 'bubble bubble--urgent' : 'bubble');
    if (r.urgent) {
      const tags = h('div', 'bubble__tags');
      tags.append(h('span', 'tag tag--urgent', '紧急'));
      bubble.append(tags);
    }
    const text = h('p', 'bubble__text');
    text.append(hidden('小法：'));
    appendLinkified(text, r.reply || '');
    bubble.append(text);
    stack.append(bubble);

    if (r.citations && r.citations.length) {
      const cites = h('ul', 'cites');
      cites.setAttribute('aria-label', '依据');
      for (const c of r.citations) {
        const li = h('li', 'cite', c.title);
        if (c.ref) li.title = c.ref;
        cites.append(li);
      }
      stack.append(cites);
    }

    if (r.case) stack.append(renderCase(r.case));

    if (r.suggestions && r.suggestions.length) {
      const box = h('div', 'suggest');
      box.setAttribute('role', 'group');
      box.setAttribute('aria-label', '您可能想问');
      for (const s of r.suggestions) {
        box.append(sendButton('suggest__btn', s.title ? `${s.n}. ${s.title}` : s.n, s.n, index, 'reply'));
      }
      stack.append(box);
    }

    const actions = (r.actions || []).filter((a) => ACTION_CHIPS[a]);
    if (actions.length) {
      const box = h('div', 'actions');
      box.dataset.entry = String(index);
      box.setAttribute('role', 'group');
      box.setAttribute('aria-label', '下一步');
      for (const a of actions) box.append(sendButton('chip', ACTION_CHIPS[a].label, ACTION_CHIPS[a].text, index, 'reply'));
      stack.append(box);
    }

    if ((r.actions || []).includes('rate')) stack.append(renderRating(entry, index));

    const meta = [];
    if (r.categoryLabel) {
      meta.push(r.confidence === null ? r.categoryLabel : `${r.categoryLabel} · ${Math.round(r.confidence * 100)}%`);
    }
    meta.push(clock(at));
    stack.append(h('div', 'meta', meta.join(' · ')));
    return row;
  }

  function renderPush(entry, index, at) {
    const m = entry.msg || {};
    const { row, stack } = botRow();
    const bubble = h('div', 'bubble');
    const tags = h('div', 'bubble__tags');
    if (m.kind === 'advisor_reply') tags.append(h('span', 'tag tag--advisor', '法律顾问回复'));
    else if (m.kind === 'rating_request') tags.append(h('span', 'tag tag--rating', '服务评价'));
    else tags.append(h('span', 'tag tag--notice', '通知'));
    const text = h('p', 'bubble__text');
    text.append(hidden('小法：'));
    appendLinkified(text, m.text || '');
    bubble.append(tags, text);
    stack.append(bubble);
    if (m.kind === 'rating_request') stack.append(renderRating(entry, index));
    stack.append(h('div', 'meta', m.case ? `案件 ${m.case} · ${clock(at)}` : clock(at)));
    return row;
  }

  function renderCase(c) {
    const card = h('section', 'case');
    card.setAttribute('aria-label', '案件信息');
    const head = h('div', 'case__head');
    head.append(h('span', 'case__title', `案件 ${c.id}`));
    if (c.statusLabel) head.append(h('span', 'case__status', c.statusLabel));
    card.append(head);
    if (c.advisor || c.role) {
      const p = h('p', 'case__row', '承办：');
      p.append(h('span', null, [c.advisor, c.role].filter(Boolean).join(' · ')));
      card.append(p);
    }
    return card;
  }

  function renderRating(entry, index) {
    const box = h('div', 'rating');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', '请为本次服务评价');
    for (const { score, label } of RATINGS) {
      const btn = sendButton('rating__btn', label, `评价 ${score}`, index, 'rate');
      btn.dataset.score = String(score);
      box.append(btn);
    }
    return box;
  }

  /** A button inside a message that sends a fixed text; its enabled state is decided by refreshControls. */
  function sendButton(className, label, text, index, scope) {
    const btn = h('button', className, label);
    btn.type = 'button';
    btn.dataset.send = text;
    btn.dataset.entry = String(index);
    btn.dataset.scope = scope;
    return btn;
  }

  function renderSystem(entry) {
    const node = h('div', 'system', entry.text);
    node.setAttribute('role', 'status');
    return node;
  }

  function showTyping() {
    if (typingRow) return;
    const { row, stack } = botRow();
    row.classList.add('typing');
    const bubble = h('div', 'bubble');
    const dots = h('span', 'typing__dots');
    dots.setAttribute('aria-hidden', 'true');
    dots.append(h('i'), h('i'), h('i'));
    bubble.append(hidden('小法正在输入…'), dots);
    stack.append(bubble);
    el.list.append(row);
    typingRow = row;
    scrollToBottom();
  }

  function hideTyping() {
    if (typingRow) typingRow.remove();
    typingRow = null;
  }

  /**
   * Brings a new entry into view: normally the bottom of the list, but a reply taller than the
   * visible area is shown from its first line, so the resident does not have to scroll back up.
   */
  function scrollToEntry(node) {
    const list = el.list;
    const isReply = node.classList.contains('row--bot');
    if (isReply && node.offsetHeight > list.clientHeight - 24) {
      list.scrollTop = Math.max(0, node.offsetTop - 8);
    } else {
      scrollToBottom();
    }
  }

  function scrollToBottom() {
    el.list.scrollTop = el.list.scrollHeight;
  }

  /**
   * Enables or disables every send-capable control: all are off while a message is in flight;
   * suggestions and action chips only work on the latest reply (their numbers refer to it);
   * rating buttons work until one of them has been chosen.
   */
  function refreshControls() {
    const latest = latestReplyIndex();
    el.input.disabled = state.busy;
    el.send.disabled = state.busy;
    for (const btn of document.querySelectorAll('[data-quick]')) btn.disabled = state.busy;
    for (const btn of el.list.querySelectorAll('button[data-send]')) {
      const index = Number(btn.dataset.entry);
      const entry = state.transcript[index];
      let stale;
      if (btn.dataset.scope === 'rate') {
        const rated = entry && entry.rated;
        btn.setAttribute('aria-pressed', String(rated === Number(btn.dataset.score)));
        stale = Boolean(rated);
      } else {
        stale = index !== latest;
      }
      btn.disabled = state.busy || stale;
    }
    // next-step chips of older replies would only clutter the history
    for (const box of el.list.querySelectorAll('.actions')) {
      box.hidden = Number(box.dataset.entry) !== latest;
    }
  }

  // ---------------------------------------------------------------- transcript

  function addEntry(entry) {
    entry.at = entry.at || new Date().toISOString();
    state.transcript.push(entry);
    const node = appendEntry(entry, state.transcript.length - 1);
    saveTranscript();
    refreshControls();
    scrollToEntry(node);
    return entry;
  }

  /** Re-renders one resident message in place (e.g. when it turned out not to be delivered). */
  function rerenderUserEntry(entry) {
    const index = state.transcript.indexOf(entry);
    const old = el.list.querySelector(`:scope > [data-entry="${index}"]`);
    if (!old) { renderAll(); return; }
    const node = renderUser(entry, parseTime(entry.at));
    node.dataset.entry = String(index);
    old.replaceWith(node);
  }

  function startFresh() {
    state.transcript = [];
    addEntry({ t: 'welcome' });
  }

  // ---------------------------------------------------------------- talking to the server

  async function fetchJson(url, options = {}) {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), REQUEST_TIMEOUT_MS);
    try {
      const res = await fetch(url, {
        ...options,
        signal: ctrl.signal,
        cache: 'no-store',
        credentials: 'same-origin',
        headers: { Accept: 'application/json', ...(options.body ? { 'Content-Type': 'application/json' } : {}) },
      });
      let data = null;
      try { data = await res.json(); } catch { data = null; }
      return { ok: res.ok, status: res.status, data };
    } finally {
      clearTimeout(timer);
    }
  }

  function setBusy(busy) {
    state.busy = busy;
    el.form.setAttribute('aria-busy', String(busy));
    refreshControls();
  }

  /** Sends one message as the resident. fromInput: the text came from the input box. */
  async function send(rawText, { fromInput = false, onFail } = {}) {
    const text = String(rawText || '').trim();
    if (!text || state.busy) return;

    const user = state.user;
    const entry = addEntry({ t: 'user', text });
    if (fromInput) {
      el.input.value = '';
      autoGrow();
    }
    setBusy(true);
    showTyping();

    const body = { user, text };
    if (state.area) body.area = state.area;

    let res;
    try {
      res = await fetchJson(API.chat, { method: 'POST', body: JSON.stringify(body) });
    } catch {
      res = null;
    }
    hideTyping();
    if (user !== state.user) { setBusy(false); return; } // a new session started meanwhile

    const failed = !res || !res.ok || !res.data || typeof res.data.reply !== 'string';
    if (!res) {
      // never reached the server: mark the bubble and give the text back so it can be sent again
      entry.failed = true;
      saveTranscript();
      rerenderUserEntry(entry);
      addEntry({ t: 'system', text: NETWORK_ERROR });
    } else if (failed) {
      const msg = res.data && typeof res.data.message === 'string' && res.data.message.trim()
        ? res.data.message
        : `小法暂时无法回复（错误 ${res.status}），请稍后重试`;
      addEntry({ t: 'system', text: msg });
    } else {
      addEntry({ t: 'bot', reply: normaliseReply(res.data) });
    }

    if (failed) {
      if (onFail) onFail();
      if (fromInput && !el.input.value) {
        el.input.value = text;
        autoGrow();
      }
    }
    setBusy(false);
    if (fromInput || failed) el.input.focus();
  }

  // ---------------------------------------------------------------- pushed messages

  function schedulePoll(delay = POLL_MS) {
    clearTimeout(state.pollTimer);
    state.pollTimer = setTimeout(poll, delay);
  }

  async function poll() {
    if (document.visibilityState !== 'visible') return; // resumed by visibilitychange
    if (state.polling) return;
    state.polling = true;
    const user = state.user;
    try {
      const url = `${API.messages}?user=${encodeURIComponent(user)}&after=${encodeURIComponent(state.lastPush)}`;
      const res = await fetchJson(url);
      if (res.ok && res.data && Array.isArray(res.data.messages) && user === state.user) {
        receivePushed(res.data.messages);
      }
    } catch {
      /* offline: try again at the next tick */
    } finally {
      state.polling = false;
      if (document.visibilityState === 'visible') schedulePoll();
    }
  }

  function receivePushed(messages) {
    const fresh = messages
      .filter((m) => m && Number.isFinite(Number(m.id)) && Number(m.id) > state.lastPush)
      .sort((a, b) => Number(a.id) - Number(b.id));
    for (const m of fresh) {
      addEntry({
        t: 'push',
        at: str(m.at) || undefined,
        msg: { id: Number(m.id), kind: str(m.kind), text: str(m.text), case: str(m.case) },
      });
      state.lastPush = Number(m.id);
    }
    if (fresh.length) store.set(keyLastPush(state.user), String(state.lastPush));
  }

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') schedulePoll(0);
    else clearTimeout(state.pollTimer);
  });

  // ---------------------------------------------------------------- areas

  async function loadAreas() {
    let areas = [];
    try {
      const res = await fetchJson(API.areas);
      if (res.ok && res.data && Array.isArray(res.data.areas)) areas = res.data.areas;
    } catch {
      /* the selector is optional */
    }
    areas = areas.filter((a) => a && typeof a.grid === 'string' && a.grid);
    if (!areas.length) {
      el.area.disabled = true;
      el.area.options[0].textContent = '社区列表暂不可用';
      return;
    }

    // group the grids by town and community
    const groups = new Map();
    for (const a of areas) {
      const label = [str(a.town), str(a.community)].filter(Boolean).join(' · ') || '其他';
      if (!groups.has(label)) groups.set(label, []);
      groups.get(label).push(a);
    }
    for (const [label, items] of groups) {
      const group = h('optgroup');
      group.label = label;
      for (const a of items) {
        const opt = h('option', null, str(a.name) || str(a.community) || a.grid);
        opt.value = a.grid;
        group.append(opt);
      }
      el.area.append(group);
    }
    const saved = store.get(KEY_AREA) || '';
    if (saved && areas.some((a) => a.grid === saved)) {
      el.area.value = saved;
      state.area = saved;
    } else if (saved) {
      store.remove(KEY_AREA);
    }
  }

  el.area.addEventListener('change', () => {
    state.area = el.area.value;
    if (state.area) store.set(KEY_AREA, state.area);
    else store.remove(KEY_AREA);
  });

  // ---------------------------------------------------------------- input box

  // Whether the resident is reading the newest messages; if so, layout changes (a growing input,
  // the on-screen keyboard resizing the page) keep the list pinned to the bottom.
  let pinned = true;
  el.list.addEventListener('scroll', () => {
    pinned = el.list.scrollHeight - el.list.scrollTop - el.list.clientHeight < 40;
  }, { passive: true });
  window.addEventListener('resize', () => { if (pinned) scrollToBottom(); });

  /** Grows the input with its text, up to the CSS max-height. */
  function autoGrow() {
    el.input.style.height = 'auto'; // CSSOM, allowed under a strict CSP
    el.input.style.height = `${Math.min(el.input.scrollHeight + 2, 120)}px`;
    if (pinned) scrollToBottom();
  }

  el.input.addEventListener('input', autoGrow);

  el.input.addEventListener('keydown', (e) => {
    // Enter sends, Shift+Enter is a new line; never while an IME is composing Chinese text
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      el.form.requestSubmit();
    }
  });

  el.form.addEventListener('submit', (e) => {
    e.preventDefault();
    send(el.input.value, { fromInput: true });
  });

  for (const btn of document.querySelectorAll('[data-quick]')) {
    btn.addEventListener('click', () => send(btn.dataset.quick));
  }

  // buttons inside messages (suggestions, action chips, ratings)
  el.list.addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-send]');
    if (!btn || btn.disabled || state.busy) return;
    if (btn.dataset.scope === 'rate') {
      const entry = state.transcript[Number(btn.dataset.entry)];
      if (entry) {
        entry.rated = Number(btn.dataset.score);
        saveTranscript();
        // a rating that did not arrive can be given again
        send(btn.dataset.send, { onFail: () => { delete entry.rated; saveTranscript(); refreshControls(); } });
        return;
      }
    }
    send(btn.dataset.send);
  });

  // ---------------------------------------------------------------- header menu and new session

  function setMenu(open) {
    el.menu.hidden = !open;
    el.menuBtn.setAttribute('aria-expanded', String(open));
    if (open) el.newSession.focus();
  }

  el.menuBtn.addEventListener('click', () => setMenu(el.menu.hidden));
  document.addEventListener('click', (e) => {
    if (!el.menu.hidden && !e.target.closest('.menu')) setMenu(false);
  });
  el.menu.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { setMenu(false); el.menuBtn.focus(); }
  });

  el.newSession.addEventListener('click', () => {
    setMenu(false);
    if (typeof el.dialog.showModal === 'function') el.dialog.showModal();
    else if (window.confirm('开始新会话？当前聊天记录将被清空。')) newSession();
  });

  el.dialog.addEventListener('close', () => {
    if (el.dialog.returnValue === 'confirm') newSession();
    el.dialog.returnValue = '';
    el.input.focus();
  });

  function newSession() {
    store.remove(keyTranscript(state.user));
    store.remove(keyLastPush(state.user));
    state.user = newUserId();
    store.set(KEY_USER, state.user);
    state.lastPush = 0;
    state.busy = false;
    hideTyping();
    el.list.replaceChildren();
    el.input.value = '';
    autoGrow();
    startFresh();
    renderAll();
    schedulePoll(0);
  }

  // ---------------------------------------------------------------- start

  if (state.transcript.length) renderAll();
  else { startFresh(); renderAll(); }
  loadAreas();
  schedulePoll(0);
})();
