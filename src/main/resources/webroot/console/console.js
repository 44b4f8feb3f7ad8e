/* xiaofa console: a small single-page app over /console/api (README, "Console API").
   Text from the server is only ever put into the page as text (textContent), never as HTML.
   The bearer token lives in sessionStorage: it is sent by this script only, so other sites cannot use it (no CSRF). */
'use strict';

const API = '/console/api';
const state = { token: sessionStorage.getItem('xiaofa.token'), user: null, events: null, timers: [] };

// ---------------------------------------------------------------- helpers

/** h('div', {class: 'x', onclick: f}, 'text', child…): an element; strings become text nodes. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function api(method, path, body, extraHeaders) {
  const headers = Object.assign({}, extraHeaders || {});
  if (state.token) headers.Authorization = 'Bearer ' + state.token;
  let payload = body;
  if (body !== undefined && !(body instanceof Blob) && !(body instanceof ArrayBuffer) && !(body instanceof FormData)) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(API + path, { method, headers, body: payload });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (res.status === 401 && path !== '/login') {
    signOut('登录已过期，请重新登录。');
    throw new ApiError(401, 'unauthenticated', '登录已过期，请重新登录。');
  }
  if (!res.ok) {
    throw new ApiError(res.status, json && json.error, (json && json.message) || ('请求失败（' + res.status + '）'));
  }
  return json;
}

function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleString('zh-CN', { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** "还剩 12 分" / "已超时 5 分" from a due time. */
function countdown(iso) {
  if (!iso) return { text: '', late: false };
  const ms = new Date(iso).getTime() - Date.now();
  const mins = Math.round(Math.abs(ms) / 60000);
  const span = mins >= 120 ? Math.round(mins / 60) + ' 小时' : mins + ' 分';
  return ms >= 0 ? { text: '还剩 ' + span, late: false } : { text: '已超时 ' + span, late: true };
}

function every(ms, f) {
  const id = setInterval(f, ms);
  state.timers.push(id);
}

function showError(where, e) {
  where.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.message || String(e)));
}

function live(message) {
  const box = document.getElementById('live');
  box.textContent = message;
  box.hidden = false;
  clearTimeout(live.timer);
  live.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

function table(columns, rows) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col' }, c.label)))),
    h('tbody', {}, rows.map(r => h('tr', {}, columns.map(c => h('td', {}, c.render ? c.render(r) : (r[c.key] ?? '')))))))));
}

/** A horizontal bar chart as inline SVG: [{label, value}]. */
function bars(items, unit) {
  const max = Math.max(1, ...items.map(i => i.value));
  const rowH = 22, labelW = 110, width = 560;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'bars');
  svg.setAttribute('viewBox', `0 0 ${width} ${items.length * rowH + 4}`);
  svg.setAttribute('role', 'img');
  items.forEach((it, i) => {
    const y = i * rowH;
    const label = document.createElementNS(svg.namespaceURI, 'text');
    label.setAttribute('x', 0); label.setAttribute('y', y + 15); label.textContent = it.label;
    const rect = document.createElementNS(svg.namespaceURI, 'rect');
    rect.setAttribute('x', labelW); rect.setAttribute('y', y + 4); rect.setAttribute('height', 14);
    rect.setAttribute('width', Math.max(1, (width - labelW - 60) * it.value / max));
    const val = document.createElementNS(svg.namespaceURI, 'text');
    val.setAttribute('x', labelW + 6 + (width - labelW - 60) * it.value / max); val.setAttribute('y', y + 15);
    val.textContent = it.value + (unit || '');
    svg.append(label, rect, val);
  });
  return svg;
}

// ---------------------------------------------------------------- sign-in

function signOut(message) {
  if (state.token) api('POST', '/logout').catch(() => {});
  state.token = null;
  state.user = null;
  sessionStorage.removeItem('xiaofa.token');
  stopEvents();
  location.hash = '#/login';
  if (message) sessionStorage.setItem('xiaofa.notice', message);
}

function loginView(app) {
  const notice = sessionStorage.getItem('xiaofa.notice');
  sessionStorage.removeItem('xiaofa.notice');
  const err = h('div');
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'card login', onsubmit: async ev => {
    ev.preventDefault();
    err.replaceChildren();
    try {
      const r = await api('POST', '/login', { username: user.value.trim(), password: pass.value });
      state.token = r.token;
      sessionStorage.setItem('xiaofa.token', r.token);
      state.user = r.user;
      location.hash = '#/cases';
    } catch (e) {
      showError(err, e);
      pass.value = '';
      pass.focus();
    }
  } },
  h('h1', {}, '登录小法工作台'),
  notice ? h('p', { class: 'notice' }, notice) : null,
  h('label', { for: 'username' }, '用户名'), user,
  h('label', { for: 'password' }, '密码'), pass,
  err,
  h('p', {}, h('button', { class: 'btn', type: 'submit', id: 'login-btn' }, '登录')),
  h('p', { class: 'muted' }, '第一次使用：管理员账号是 admin，初始密码见服务启动日志或 XIAOFA_ADMIN_PASSWORD。'));
  app.replaceChildren(form);
  user.focus();
}

async function whoAmI() {
  if (!state.user) state.user = await api('GET', '/me');
  return state.user;
}

function chrome() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  const u = state.user;
  const links = [['#/cases', '案件']];
  if (u.role === 'admin') {
    links.push(['#/admin/dashboard', '统计'], ['#/admin/knowledge', '知识库'], ['#/admin/unanswered', '未答问题'],
      ['#/admin/advisors', '顾问'], ['#/admin/users', '账号'], ['#/admin/audit', '审计']);
  }
  links.push(['#/me', '我的账号']);
  nav.replaceChildren(...links.map(([href, text]) => h('a', { href, 'aria-current': location.hash.startsWith(href) ? 'page' : null }, text)));
  nav.hidden = false;
  who.replaceChildren(h('span', {}, (u.displayName || u.username) + (u.role === 'admin' ? '（管理员）' : '')),
    h('button', { type: 'button', onclick: () => signOut('已退出登录。') }, '退出'));
  who.hidden = false;
}

// ---------------------------------------------------------------- live events (SSE over fetch: EventSource cannot send the token)

function stopEvents() {
  if (state.events) state.events.abort();
  state.events = null;
}

function startEvents(onEvent) {
  stopEvents();
  const ctrl = new AbortController();
  state.events = ctrl;
  let lastId = null;
  (async function loop() {
    while (!ctrl.signal.aborted) {
      try {
        const headers = { Authorization: 'Bearer ' + state.token, Accept: 'text/event-stream' };
        if (lastId) headers['Last-Event-ID'] = lastId;
        const res = await fetch(API + '/events', { headers, signal: ctrl.signal });
        if (res.status === 401) { signOut('登录已过期，请重新登录。'); return; }
        if (!res.ok) throw new Error('events ' + res.status);
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += decoder.decode(value, { stream: true });
          let cut;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            const ev = { event: 'message', data: '' };
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue;
              const i = line.indexOf(':');
              const field = i < 0 ? line : line.slice(0, i);
              const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
              if (field === 'event') ev.event = val;
              else if (field === 'data') ev.data += (ev.data ? '\n' : '') + val;
              else if (field === 'id') lastId = val;
            }
            if (ev.data) {
              try { onEvent(ev.event, JSON.parse(ev.data)); } catch (e) { /* a malformed event is skipped */ }
            }
          }
        }
      } catch (e) {
        if (ctrl.signal.aborted) return;
      }
      await new Promise(r => setTimeout(r, 3000)); // reconnect, resuming after the last event id
    }
  })();
}

// ---------------------------------------------------------------- routing

const routes = [];
function route(pattern, view, adminOnly) { routes.push({ pattern, view, adminOnly }); }

async function render() {
  state.timers.forEach(clearInterval);
  state.timers = [];
  const app = document.getElementById('app');
  const hash = location.hash || '#/cases';
  if (!state.token || hash === '#/login') {
    document.getElementById('nav').hidden = true;
    document.getElementById('who').hidden = true;
    stopEvents();
    loginView(app);
    return;
  }
  try {
    await whoAmI();
  } catch (e) {
    return;
  }
  chrome();
  for (const r of routes) {
    const m = hash.match(r.pattern);
    if (m) {
      if (r.adminOnly && state.user.role !== 'admin') {
        app.replaceChildren(h('p', { class: 'error' }, '这一页只有管理员可以查看。'));
        return;
      }
      app.replaceChildren(h('p', { class: 'muted' }, '正在加载…'));
      try {
        await r.view(app, ...m.slice(1).map(decodeURIComponent));
      } catch (e) {
        if (e.status !== 401) showError(app, e);
      }
      app.focus();
      return;
    }
  }
  app.replaceChildren(h('p', { class: 'error' }, '没有这个页面。'), h('a', { href: '#/cases' }, '返回案件'));
}

window.addEventListener('hashchange', render);
window.addEventListener('DOMContentLoaded', render);
