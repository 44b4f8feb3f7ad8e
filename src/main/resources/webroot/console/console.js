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

/** Replaces an element's children, skipping null and false (conditional parts). */
function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter(c => c !== null && c !== undefined && c !== false));
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
  fill(where, h('p', { class: 'error', role: 'alert' }, e.message || String(e)));
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
    h('tbody', {}, rows.map(r => h('tr', {}, columns.map(c => h('td', {}, c.render ? c.render(r) : (r[c.key] ?? ''))))))));
}

/** A horizontal bar chart, [{label, value}]: widths are set through the CSSOM, which the CSP allows. */
function bars(items, unit) {
  const max = Math.max(1, ...items.map(i => i.value));
  return h('div', { class: 'hbars', role: 'list' }, items.map(it => {
    const bar = h('span', { class: 'hbars__bar' });
    bar.style.width = (100 * it.value / max) + '%';
    return h('div', { class: 'hbars__row', role: 'listitem' }, h('span', { class: 'hbars__label' }, it.label),
      h('span', { class: 'hbars__track' }, bar), h('span', { class: 'hbars__value' }, it.value + (unit || '')));
  }));
}

/** A column chart of a series by day, [{day, count}]: one column per day, the dates under the first and last. */
function columns(items) {
  const max = Math.max(1, ...items.map(i => i.count));
  const chart = h('div', { class: 'cols', role: 'img', 'aria-label': items.map(i => i.day + ' ' + i.count).join('，') }, items.map(it => {
    const col = h('span', { class: 'cols__col', title: it.day + '：' + it.count });
    col.style.height = Math.max(2, 100 * it.count / max) + '%';
    return col;
  }));
  return h('div', {}, chart, h('div', { class: 'cols__axis muted' }, h('span', {}, items.length ? items[0].day : ''),
    h('span', {}, '最多 ' + max + ' 条/天'), h('span', {}, items.length ? items[items.length - 1].day : '')));
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
    fill(err);
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
  fill(app, form);
  user.focus();
}

async function whoAmI() {
  if (!state.user) {
    const r = await api('GET', '/me');
    state.user = r.user || r;
  }
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
  fill(nav, ...links.map(([href, text]) => h('a', { href, 'aria-current': location.hash.startsWith(href) ? 'page' : null }, text)));
  nav.hidden = false;
  fill(who, h('span', {}, (u.displayName || u.username) + (u.role === 'admin' ? '（管理员）' : '')),
    h('button', { type: 'button', onclick: () => signOut('已退出登录。') }, '退出'));
  who.hidden = false;
}

// ---------------------------------------------------------------- live events (SSE over fetch: EventSource cannot send the token)

function stopEvents() {
  if (state.events) state.events.abort();
  state.events = null;
}

function startEvents(onEvent, fromId) {
  stopEvents();
  const ctrl = new AbortController();
  state.events = ctrl;
  let lastId = fromId == null ? null : String(fromId);
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
        fill(app, h('p', { class: 'error' }, '这一页只有管理员可以查看。'));
        return;
      }
      fill(app, h('p', { class: 'muted' }, '正在加载…'));
      try {
        await r.view(app, ...m.slice(1).map(decodeURIComponent));
      } catch (e) {
        if (e.status !== 401) showError(app, e);
      }
      app.focus();
      return;
    }
  }
  fill(app, h('p', { class: 'error' }, '没有这个页面。'), h('a', { href: '#/cases' }, '返回案件'));
}


// ---------------------------------------------------------------- advisors: the inbox

function caseItem(c, fresh) {
  const due = countdown(c.firstResponseDue);
  const open = !['resolved', 'referred', 'closed'].includes(c.status);
  return h('li', { class: fresh ? 'fresh' : null, dataset: { case: c.id } }, h('a', { href: '#/case/' + encodeURIComponent(c.id) },
    h('span', {}, c.urgent ? h('span', { class: 'tag tag--urgent' }, '紧急') : null, ' ', h('b', {}, c.id)),
    h('span', {}, [c.categoryLabel, c.community, c.channelLabel || c.channel].filter(Boolean).join(' · ')),
    h('span', {}, h('span', { class: 'tag' }, c.statusLabel || c.status), ' ',
      open && c.firstResponseDue && c.secondsLeft != null ? h('span', { class: 'tag ' + (due.late ? 'tag--late' : 'tag--warn'), dataset: { due: c.firstResponseDue } }, due.text) : null),
    h('span', { class: 'summary' }, (c.advisor ? c.advisor.name + '：' : '未分派：') + ((c.lastMessage && c.lastMessage.text) || c.summary || ''))));
}

async function casesView(app) {
  const isAdmin = state.user.role === 'admin';
  const scopes = state.user.advisorId ? [['mine', '我的案件'], ['available', '可认领的案件']] : [];
  if (isAdmin) scopes.push(['all', '全部案件']);
  const lists = {};
  const sections = scopes.map(([scope, title]) => {
    const ul = h('ul', { class: 'cases', id: 'cases-' + scope, 'aria-live': 'polite' });
    lists[scope] = ul;
    return h('section', { class: 'card' }, h('h2', {}, title, ' ', h('span', { class: 'muted', id: 'count-' + scope })), ul);
  });
  fill(app, h('h1', {}, '案件'), ...sections,
    scopes.length ? null : h('p', { class: 'notice' }, '您的账号没有关联法律顾问，暂时不能办理案件。请管理员在“账号”中关联。'));
  const seen = new Set();
  let lastEventId = null;
  async function load(highlight) {
    for (const [scope] of scopes) {
      const r = await api('GET', '/cases?scope=' + scope);
      if (r.lastEventId != null) lastEventId = r.lastEventId;
      const rows = r.cases || r;
      document.getElementById('count-' + scope).textContent = '（' + rows.length + '）';
      lists[scope].replaceChildren(...(rows.length ? rows.map(c => caseItem(c, highlight && !seen.has(c.id))) : [h('li', { class: 'muted' }, '暂无')]));
      rows.forEach(c => seen.add(c.id));
    }
  }
  await load(false);
  every(30000, () => document.querySelectorAll('[data-due]').forEach(el => {
    const d = countdown(el.dataset.due);
    el.textContent = d.text;
    el.className = 'tag ' + (d.late ? 'tag--late' : 'tag--warn');
  }));
  startEvents((name, data) => {
    const label = { 'case.created': '新案件', 'case.message': '居民发来新消息', 'case.assigned': '案件已分派', 'case.transferred': '案件已转办',
      'case.closed': '案件已办结', 'case.sla_breached': '案件首次回复超时', 'case.delivery_failed': '回复未能送达' }[name];
    if (label) live(label + '：' + (data.case || ''));
    load(true).catch(() => {});
  }, lastEventId);
}

// ---------------------------------------------------------------- advisors: one case

const DELIVERY = { pending: '发送中', sent: '已送达', undeliverable: '未能送达', failed: '发送失败' };

async function caseView(app, id) {
  const r = await api('GET', '/cases/' + encodeURIComponent(id));
  const c = r.case;
  const can = r.permissions || {};
  const msg = h('div', { id: 'case-msg' });

  async function act(path, body, done) {
    fill(msg);
    try {
      await api('POST', '/cases/' + encodeURIComponent(id) + path, body);
      await caseView(app, id);
      if (done) live(done);
    } catch (e) {
      showError(msg, e);
    }
  }

  const contact = r.resident && r.resident.contact;
  const facts = h('dl', { class: 'facts' },
    ...[['渠道', c.channelLabel || c.channel], ['社区/网格', [c.community, c.area].filter(Boolean).join(' ')], ['类别', c.categoryLabel],
      ['紧急', c.urgent ? '是' : '否'], ['状态', c.statusLabel], ['承办人', c.advisor ? c.advisor.name + '（' + c.advisor.roleLabel + '）' : '未分派'],
      ['首次回复期限', c.firstResponseDue ? fmtTime(c.firstResponseDue) + (c.secondsLeft != null ? '（' + countdown(c.firstResponseDue).text + '）' : '') : ''],
      ['居民', contact ? [contact.name, contact.phone].filter(Boolean).join(' ') : (r.resident && r.resident.worker ? '网格员 ' + r.resident.worker + ' 报送' : '')],
      ['结果', c.outcome ? (c.outcomeLabel || c.outcome) + (c.rating ? '，评价 ' + c.rating + ' 分' : '') : '']]
      .flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '—')]));

  const timeline = h('ol', { class: 'timeline', id: 'timeline' }, (r.timeline || []).map(e => {
    const d = e.delivery;
    const cls = e.internal ? 'note' : e.kind === 'delivery_failed' || (d && (d.state === 'undeliverable' || d.state === 'failed')) ? 'failed'
      : e.kind === 'resident_message' ? 'resident' : e.kind === 'advisor_reply' ? 'advisor' : '';
    return h('li', { class: cls, dataset: { kind: e.kind } },
      h('div', { class: 'meta' }, fmtTime(e.at), ' · ', e.kindLabel || e.kind, ' · ', e.actorLabel || e.actor, e.internal ? ' · 内部备注' : '',
        d ? h('span', { class: 'tag ' + (d.state === 'sent' ? '' : d.state === 'pending' ? 'tag--warn' : 'tag--urgent'), dataset: { delivery: d.state } }, DELIVERY[d.state] || d.state) : null),
      e.text ? h('div', { class: 'text' }, e.text) : null,
      d && d.guidance ? h('div', { class: 'notice' }, (d.reason ? d.reason + '。' : '') + d.guidance) : null);
  }));

  const bot = (r.conversation || []).length ? h('section', { class: 'card' }, h('h2', {}, '居民与小法的对话'),
    table([{ label: '时间', render: t => fmtTime(t.at) }, { label: '居民说', key: 'text' }, { label: '小法', render: t => t.outcomeLabel || t.outcome },
      { label: '依据的知识', render: t => t.entry ? h('span', {}, h('a', { href: t.entry.url || '/kb/' + encodeURIComponent(t.entry.id), target: '_blank', rel: 'noopener' }, t.entry.title || t.entry.id),
        ...(t.basis || []).map(b => h('div', { class: 'muted' }, b.url ? h('a', { href: b.url, target: '_blank', rel: 'noopener' }, b.text || b.title || b.citation) : (b.text || b.citation || '')))) : '' },
      { label: '分数', render: t => t.score == null ? '' : Number(t.score).toFixed(2) }], r.conversation)) : null;

  const reply = h('textarea', { id: 'reply-text', 'aria-label': '回复居民的内容', maxlength: 1500 });
  const canned = h('div', { class: 'row', id: 'canned' });
  if (can.reply) {
    api('GET', '/canned?caseId=' + encodeURIComponent(id)).then(cr => {
      fill(canned, ...(cr.replies || []).map(it => h('button', { type: 'button', class: 'btn btn--ghost', title: it.reply,
        onclick: () => { reply.value = it.reply; reply.focus(); } }, '引用：' + it.title)));
    }).catch(() => {});
  }
  const note = h('textarea', { id: 'note-text', 'aria-label': '内部备注（居民看不到）' });
  const outcome = h('select', { id: 'close-outcome', 'aria-label': '办结结果' }, (r.outcomes || []).map(o => h('option', { value: o.id }, o.label)));
  const closeNote = h('input', { id: 'close-note', 'aria-label': '办结说明（可选）', placeholder: '办结说明（可选）' });
  const target = h('select', { id: 'transfer-to', 'aria-label': '转办给' }, h('option', { value: '' }, '选择顾问或专长…'));
  if (can.transfer) {
    api('GET', '/cases/' + encodeURIComponent(id) + '/transfer-targets').then(t => {
      target.append(h('optgroup', { label: '按专长（由系统分派）' }, (t.categories || []).filter(x => !x.current).map(x => h('option', { value: 'category:' + x.id }, x.label))),
        h('optgroup', { label: '指定顾问' }, (t.advisors || []).map(a => h('option', { value: 'advisor:' + a.id }, a.name + '（' + a.roleLabel + (a.onDuty ? '，在岗' : '') + '）'))));
    }).catch(() => {});
  }

  const actions = h('section', { class: 'card' }, h('h2', {}, '办理'),
    can.claim ? h('p', {}, h('button', { class: 'btn', id: 'claim-btn', onclick: () => act('/claim', {}, '已认领。') }, '认领这个案件')) : null,
    can.reply ? h('div', {}, h('label', { for: 'reply-text' }, '回复居民（通过居民自己的渠道送达）'), canned, reply,
      h('p', {}, h('button', { class: 'btn', id: 'reply-btn', onclick: () => reply.value.trim() && act('/reply', { text: reply.value.trim() }, '回复已发出。') }, '发送回复'))) : null,
    can.note ? h('div', {}, h('label', { for: 'note-text' }, '内部备注（只有工作人员能看到）'), note,
      h('p', {}, h('button', { class: 'btn btn--ghost', id: 'note-btn', onclick: () => note.value.trim() && act('/notes', { text: note.value.trim() }, '备注已保存。') }, '保存备注'))) : null,
    can.transfer ? h('div', {}, h('label', { for: 'transfer-to' }, '转办'), h('div', { class: 'row' }, target,
      h('button', { class: 'btn btn--ghost', id: 'transfer-btn', onclick: () => {
        const [kind, value] = target.value.split(':');
        if (value) act('/transfer', kind === 'category' ? { category: value } : { advisorId: value }, '已转办。');
      } }, '转办'))) : null,
    can.close ? h('div', {}, h('label', { for: 'close-outcome' }, '办结'), h('div', { class: 'row' }, outcome, closeNote,
      h('button', { class: 'btn btn--danger', id: 'close-btn', onclick: () => act('/close', { outcome: outcome.value, note: closeNote.value.trim() || null }, '已办结，已请居民评价。') }, '办结'))) : null,
    !can.claim && !can.reply && !can.close ? h('p', { class: 'muted' }, c.advisor && !c.mine ? '这个案件由' + c.advisor.name + '办理。' : '案件已办结。') : null);

  fill(app, h('p', {}, h('a', { href: '#/cases' }, '← 返回案件')),
    h('h1', {}, c.urgent ? h('span', { class: 'tag tag--urgent' }, '紧急') : null, ' 案件 ', c.id),
    msg, h('div', { class: 'grid2' }, h('div', {}, h('section', { class: 'card' }, h('h2', {}, '案件记录'), timeline), bot),
      h('div', {}, h('section', { class: 'card' }, h('h2', {}, '概况'), facts, h('p', {}, c.summary || '')), actions)));
  startEvents((name, data) => {
    if (data.case === id) caseView(app, id).catch(() => {});
  });
}

route(/^#\/cases$/, casesView);
route(/^#\/case\/(.+)$/, caseView);

// ---------------------------------------------------------------- my account

async function meView(app) {
  const u = state.user;
  const msg = h('div');
  const cur = h('input', { id: 'pw-current', type: 'password', autocomplete: 'current-password' });
  const next = h('input', { id: 'pw-new', type: 'password', autocomplete: 'new-password' });
  fill(app, h('h1', {}, '我的账号'),
    h('section', { class: 'card' }, h('dl', { class: 'facts' }, h('dt', {}, '用户名'), h('dd', {}, u.username), h('dt', {}, '姓名'), h('dd', {}, u.displayName || ''),
      h('dt', {}, '角色'), h('dd', {}, u.role === 'admin' ? '管理员' : '法律顾问'), h('dt', {}, '顾问编号'), h('dd', {}, u.advisorId || '—'))),
    h('form', { class: 'card', onsubmit: async ev => {
      ev.preventDefault();
      try {
        await api('POST', '/me/password', { current: cur.value, new: next.value });
        fill(msg, h('p', { class: 'okmsg' }, '密码已修改，请用新密码重新登录。'));
        setTimeout(() => signOut('密码已修改，请用新密码登录。'), 1500);
      } catch (e) { showError(msg, e); }
    } }, h('h2', {}, '修改密码'), h('label', { for: 'pw-current' }, '当前密码'), cur, h('label', { for: 'pw-new' }, '新密码（至少 10 位）'), next, msg,
      h('p', {}, h('button', { class: 'btn', type: 'submit' }, '修改密码'))));
}
route(/^#\/me$/, meView);

// ---------------------------------------------------------------- administrators

async function dashboardView(app) {
  const d = await api('GET', '/admin/dashboard?days=30');
  const kpi = (label, value) => h('div', { class: 'kpi' }, h('span', { class: 'muted' }, label), h('b', {}, value ?? '—'));
  const o = d.outcomes || {};
  const sat = d.satisfaction || {};
  fill(app, h('h1', {}, '近 30 天统计'),
    h('div', { class: 'kpis' }, kpi('咨询', d.questions ?? d.totalQuestions), kpi('已解答', o.answered), kpi('转人工', o.handoff ?? o.handedOff),
      kpi('新案件', d.casesOpened), kpi('超时未回复', d.slaBreaches), kpi('平均满意度', sat.average == null ? '—' : Number(sat.average).toFixed(2)),
      kpi('待回访', (d.followUpsDue || []).length ?? d.followUps)),
    h('div', { class: 'grid2' },
      h('section', { class: 'card' }, h('h2', {}, '每日咨询量'), columns(d.questionsByDay || [])),
      h('section', { class: 'card' }, h('h2', {}, '按类别'), bars((d.questionsByCategory || d.byCategory || []).map(x => ({ label: x.label || x.category, value: x.count }))))),
    h('div', { class: 'grid2' },
      h('section', { class: 'card' }, h('h2', {}, '满意度分布'), bars([5, 4, 3, 2, 1].map(n => ({ label: n + ' 分', value: (sat.distribution || sat)[n] || 0 })))),
      h('section', { class: 'card' }, h('h2', {}, '到期回访'), (d.followUpsDue || []).length
        ? table([{ label: '案件', render: f => h('a', { href: '#/case/' + encodeURIComponent(f.caseId) }, f.caseId) }, { label: '评分', key: 'rating' },
          { label: '回访期限', render: f => fmtTime(f.dueAt) }], d.followUpsDue) : h('p', { class: 'muted' }, '没有待回访的案件。'))));
}
route(/^#\/admin\/dashboard$/, dashboardView, true);

async function knowledgeView(app) {
  const out = h('div', { id: 'import-result' });
  const file = h('input', { type: 'file', id: 'import-file', accept: '.xlsx,.csv' });
  const testQ = h('input', { id: 'test-q', placeholder: '例如：老板拖欠工资怎么办' });
  const testOut = h('div', { id: 'test-result' });
  async function preview() {
    fill(out);
    const f = file.files[0];
    if (!f) { fill(out, h('p', { class: 'error' }, '请先选择 XLSX 或 CSV 文件。')); return; }
    try {
      const p = await api('POST', '/admin/knowledge/power-list/preview', f, { 'X-File-Name': encodeURIComponent(f.name) });
      const errs = p.errors || [];
      fill(out, 
        h('p', { class: errs.length ? 'error' : 'okmsg', id: 'preview-summary' }, '共 ' + p.rows + ' 行，有效 ' + p.valid + ' 行' + (errs.length ? '，' + errs.length + ' 处错误：改正后重新上传。' : '，可以导入。')),
        errs.length ? h('div', { id: 'preview-errors' }, table([{ label: '行', key: 'row' }, { label: '列', key: 'column' }, { label: '问题', key: 'message' }], errs)) : null,
        p.diff ? h('p', { class: 'muted' }, '与现有清单相比：新增 ' + (p.diff.added ?? 0) + '，删除 ' + (p.diff.removed ?? 0) + '，修改 ' + (p.diff.changed ?? 0)) : null,
        errs.length ? null : h('button', { class: 'btn', id: 'import-btn', onclick: async () => {
          try {
            const r = await api('POST', '/admin/knowledge/power-list/import', { previewId: p.previewId });
            fill(out, h('p', { class: 'okmsg', id: 'import-done' }, '已导入，知识库已更新。' + (r.items ? '（' + r.items + ' 项）' : '')));
          } catch (e) { showError(out, e); }
        } }, '确认导入'));
    } catch (e) { showError(out, e); }
  }
  async function test() {
    try {
      const r = await api('GET', '/admin/answer-test?q=' + encodeURIComponent(testQ.value.trim()));
      fill(testOut, 
        h('p', {}, h('span', { class: 'tag' }, r.decisionLabel || r.decision), ' ', r.categoryLabel || r.category || '', ' ',
          r.confidence == null ? '' : '置信度 ' + Number(r.confidence).toFixed(2), r.urgent ? h('span', { class: 'tag tag--urgent' }, '紧急') : null),
        r.why ? h('p', { class: 'muted' }, r.why) : null,
        h('div', { class: 'card' }, h('div', { class: 'text' }, r.reply || r.answer || '')),
        table([{ label: '条目', render: x => x.title + '（' + x.id + '）' }, { label: '类型', key: 'type' }, { label: '分数', render: x => Number(x.score).toFixed(3) }], r.hits || []));
    } catch (e) { showError(testOut, e); }
  }
  fill(app, h('h1', {}, '知识库'),
    h('section', { class: 'card' }, h('h2', {}, '导入权责清单（XLSX 或 CSV）'),
      h('p', { class: 'muted' }, '第一行为表头（职权编码、职权名称、职权类型……，与 knowledge/power-list 中的 CSV 相同）。先预览：每一行的问题都会列出来，改正前不会替换现有清单。'),
      h('div', { class: 'row' }, file, h('button', { class: 'btn', id: 'preview-btn', onclick: preview }, '预览')), out),
    h('section', { class: 'card' }, h('h2', {}, '小法会怎么回答？'),
      h('div', { class: 'row' }, testQ, h('button', { class: 'btn', id: 'test-btn', onclick: test }, '试一试')), testOut),
    h('section', { class: 'card' }, h('h2', {}, '重新加载'), h('p', { class: 'muted' }, '修改 knowledge/ 目录中的文件后，可以立即重新加载。'),
      h('button', { class: 'btn btn--ghost', onclick: async ev => {
        const r = await api('POST', '/admin/knowledge/reload').catch(e => ({ error: e.message }));
        ev.target.after(h('p', { class: r.error ? 'error' : 'okmsg' }, r.error || (r.changed ? '已更新为新版本。' : '内容没有变化。')));
      } }, '重新加载知识库')));
}
route(/^#\/admin\/knowledge$/, knowledgeView, true);

async function unansweredView(app) {
  const r = await api('GET', '/admin/unanswered?days=30');
  const rows = r.questions || r;
  const form = h('div', { id: 'entry-form' });
  function edit(q) {
    const title = h('input', { id: 'entry-title', value: q.text });
    const body = h('textarea', { id: 'entry-body' });
    const category = h('input', { id: 'entry-category', value: q.category || 'general' });
    const basis = h('input', { id: 'entry-basis', placeholder: '《中华人民共和国劳动合同法》第三十条' });
    const msg = h('div');
    fill(form, h('section', { class: 'card' }, h('h2', {}, '新建知识条目'), h('p', { class: 'muted' }, '居民问：' + q.text),
      h('label', { for: 'entry-title' }, '标题'), title, h('label', { for: 'entry-body' }, '回答（怎么办、到哪里办）'), body,
      h('label', { for: 'entry-category' }, '类别'), category, h('label', { for: 'entry-basis' }, '依据（可选，多条用；分隔）'), basis, msg,
      h('button', { class: 'btn', onclick: async () => {
        try {
          const e = await api('POST', '/admin/knowledge/entries', { question: q.text, title: title.value.trim(), body: body.value.trim(), category: category.value.trim(),
            basis: basis.value.split(/[;；]/).map(x => x.trim()).filter(Boolean) });
          fill(msg, h('p', { class: 'okmsg' }, '已新建条目 ' + (e.id || '') + '，小法以后会用它回答。'));
        } catch (e) { showError(msg, e); }
      } }, '保存条目')));
    body.focus();
  }
  fill(app, h('h1', {}, '没答好的问题（近 30 天）'),
    rows.length ? table([{ label: '问题', key: 'text' }, { label: '次数', key: 'count' }, { label: '最高分', render: q => q.bestScore == null ? '' : Number(q.bestScore).toFixed(2) },
      { label: '最近', render: q => fmtTime(q.lastAskedAt || q.last) }, { label: '', render: q => h('button', { class: 'btn btn--ghost', onclick: () => edit(q) }, '写成条目') }], rows)
      : h('p', { class: 'muted' }, '近 30 天没有答不上来的问题。'), form);
}
route(/^#\/admin\/unanswered$/, unansweredView, true);

async function advisorsView(app, editId) {
  const r = await api('GET', '/admin/advisors');
  const rows = r.advisors || [];
  const opt = r.options || { roles: [], specialties: [], areas: [] };
  const label = (list, id) => (list.find(x => (x.id || x) === id) || {}).label || id;
  const form = h('div', { id: 'advisor-form' });

  function edit(a) {
    const isNew = !a;
    a = a || { name: '', role: 'village_counsel', specialties: [], areas: [], capacity: 5, duty: ['1-5 08:30-17:30'], fallback: false, active: true };
    const name = h('input', { id: 'adv-name', value: a.name });
    const role = h('select', { id: 'adv-role' }, opt.roles.map(x => h('option', { value: x.id, selected: x.id === a.role }, x.label)));
    const checks = (list, chosen, prefix) => h('div', { class: 'row' }, list.map(x => {
      const id = x.id || x;
      return h('label', { class: 'check' }, h('input', { type: 'checkbox', value: id, name: prefix, checked: chosen.includes(id) }), ' ', x.label || (id === '*' ? '全区' : id));
    }));
    const specialties = checks(opt.specialties, a.specialties || [], 'spec');
    const areas = checks(opt.areas, a.areas || [], 'area');
    const capacity = h('input', { id: 'adv-capacity', type: 'number', min: 1, max: opt.maxCapacity || 50, value: a.capacity });
    const duty = h('input', { id: 'adv-duty', value: (a.duty || []).join('；') });
    const fallback = h('input', { id: 'adv-fallback', type: 'checkbox', checked: a.fallback });
    const active = h('input', { id: 'adv-active', type: 'checkbox', checked: a.active !== false });
    const msg = h('div');
    const picked = (box) => [...box.querySelectorAll('input:checked')].map(i => i.value);
    fill(form, h('section', { class: 'card' }, h('h2', {}, isNew ? '新增顾问' : '修改顾问 ' + a.id),
      h('label', { for: 'adv-name' }, '姓名'), name, h('label', { for: 'adv-role' }, '身份'), role,
      h('label', {}, '专长（案件类别）'), specialties, h('label', {}, '负责的社区/村（全区可选“全区”）'), areas,
      h('label', { for: 'adv-capacity' }, '同时办理的案件数上限'), capacity,
      h('label', { for: 'adv-duty' }, '值班时间（如 1-5 08:30-17:30，多段用；分隔，1 为周一）'), duty,
      h('label', { class: 'check' }, fallback, ' 兜底值班（没有合适顾问时接案）'), h('label', { class: 'check' }, active, ' 在岗'), msg,
      h('p', {}, h('button', { class: 'btn', onclick: async () => {
        const body = { name: name.value.trim(), role: role.value, specialties: picked(specialties), areas: picked(areas), capacity: Number(capacity.value),
          duty: duty.value.split(/[;；]/).map(x => x.trim()).filter(Boolean), fallback: fallback.checked, active: active.checked };
        try {
          const saved = await api(isNew ? 'POST' : 'PATCH', isNew ? '/admin/advisors' : '/admin/advisors/' + encodeURIComponent(a.id), body);
          live('已保存顾问 ' + ((saved.advisor && saved.advisor.id) || a.id));
          await advisorsView(app);
        } catch (e) { showError(msg, e); }
      } }, '保存'), ' ', h('button', { class: 'btn btn--ghost', onclick: () => fill(form) }, '取消'))));
    name.focus();
  }

  fill(app, h('h1', {}, '法律顾问'), h('p', {}, h('button', { class: 'btn', onclick: () => edit(null) }, '新增顾问')), form,
    table([{ label: '编号', key: 'id' }, { label: '姓名', key: 'name' }, { label: '身份', render: a => a.roleLabel || a.role },
      { label: '专长', render: a => (a.specialties || []).map(x => label(opt.specialties, x)).join('、') },
      { label: '负责社区', render: a => (a.areas || []).map(x => x === '*' ? '全区' : x).join('、') }, { label: '容量', key: 'capacity' },
      { label: '值班', render: a => (a.duty || []).join('；') + (a.fallback ? '（兜底）' : '') }, { label: '在岗', render: a => a.active === false ? '否' : '是' },
      { label: '账号', render: a => a.account ? (a.account.username || String(a.account)) : '—' },
      { label: '', render: a => h('button', { class: 'btn btn--ghost', onclick: () => edit(a) }, '修改') }], rows));
}
route(/^#\/admin\/advisors$/, advisorsView, true);

async function usersView(app) {
  const r = await api('GET', '/admin/users');
  const rows = r.users || r;
  const msg = h('div');
  const username = h('input', { id: 'new-username' });
  const name = h('input', { id: 'new-name' });
  const role = h('select', { id: 'new-role' }, h('option', { value: 'advisor' }, '法律顾问'), h('option', { value: 'admin' }, '管理员'));
  const advisor = h('input', { id: 'new-advisor', placeholder: '如 adv-001' });
  async function change(u, body, done) {
    try {
      const res = await api('PATCH', '/admin/users/' + u.id, body);
      if (res.password) {
        fill(msg, h('p', { class: 'okmsg', role: 'status' }, u.username + ' 的新密码（只显示这一次，请当面交给本人）：', h('code', {}, res.password)));
        msg.scrollIntoView();
        return;
      }
      await usersView(app);
      live(done);
    } catch (e) { showError(msg, e); }
  }
  fill(app, h('h1', {}, '账号'),
    table([{ label: '用户名', key: 'username' }, { label: '姓名', key: 'displayName' }, { label: '角色', render: u => u.role === 'admin' ? '管理员' : '法律顾问' },
      { label: '顾问编号', key: 'advisorId' }, { label: '状态', render: u => u.active === false ? '停用' : u.locked ? '已锁定' : '正常' },
      { label: '', render: u => h('div', { class: 'row' },
        u.locked ? h('button', { class: 'btn btn--ghost', onclick: () => change(u, { unlock: true }, '已解锁。') }, '解锁') : null,
        h('button', { class: 'btn btn--ghost', onclick: () => change(u, { active: u.active === false }, u.active === false ? '已启用。' : '已停用。') }, u.active === false ? '启用' : '停用'),
        h('button', { class: 'btn btn--ghost', onclick: () => change(u, { resetPassword: true }) }, '重置密码')) }], rows),
    h('section', { class: 'card' }, h('h2', {}, '新建账号'), h('label', { for: 'new-username' }, '用户名'), username, h('label', { for: 'new-name' }, '姓名'), name,
      h('label', { for: 'new-role' }, '角色'), role, h('label', { for: 'new-advisor' }, '关联的顾问编号（法律顾问必填）'), advisor, msg,
      h('button', { class: 'btn', onclick: async () => {
        try {
          const u = await api('POST', '/admin/users', { username: username.value.trim(), displayName: name.value.trim(), role: role.value, advisorId: advisor.value.trim() || null });
          fill(msg, h('p', { class: 'okmsg' }, '已创建。', u.password ? ['初始密码（只显示这一次）：', h('code', {}, u.password)] : ''));
        } catch (e) { showError(msg, e); }
      } }, '创建')));
}
route(/^#\/admin\/users$/, usersView, true);

async function auditView(app) {
  const r = await api('GET', '/admin/audit?limit=100');
  const rows = r.entries || r.audit || r;
  fill(app, h('h1', {}, '审计日志'), table([{ label: '时间', render: a => fmtTime(a.at) }, { label: '人员', key: 'actor' }, { label: '操作', key: 'action' },
    { label: '案件', render: a => a.caseId ? h('a', { href: '#/case/' + encodeURIComponent(a.caseId) }, a.caseId) : '' }, { label: '详情', render: a => typeof a.detail === 'string' ? a.detail : JSON.stringify(a.detail || '') }], rows));
}
route(/^#\/admin\/audit$/, auditView, true);

window.addEventListener('hashchange', render);
window.addEventListener('DOMContentLoaded', render);
