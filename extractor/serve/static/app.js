// nianbao serve: the page. Plain JS over the /v1 API; every text from a document goes in
// through textContent, never as HTML.
"use strict";
const $ = (id) => document.getElementById(id);
const STATUS = { queued: "排队中", running: "读取中", done: "完成", failed: "失败", ok: "已读取", pending: "等待" };
const REASONS = { flagged: "存疑", missing: "缺失", "low-confidence": "把握低", "broken-rule": "勾稽不成立", repair: "校验建议" };
const HTTP_ZH = { 400: "上传的文件有问题", 401: "需要令牌（右上角填写）", 404: "找不到", 409: "还没处理完",
  413: "太大了", 415: "不是能读取的报告格式（PDF、Word .docx、HTML、文本）", 422: "无法读取", 500: "服务器内部错误" };
let state = { batch: null, doc: null, selected: null, cells: [], queue: [], decided: [] };

function headers(extra) {
  const h = Object.assign({}, extra || {});
  const token = $("token").value || localStorage.getItem("nianbao-token");
  if (token) h["Authorization"] = "Bearer " + token;
  return h;
}
$("token").value = localStorage.getItem("nianbao-token") || "";
$("token").addEventListener("change", () => localStorage.setItem("nianbao-token", $("token").value));

async function api(path, options) {
  const r = await fetch(path, Object.assign({ headers: headers() }, options || {}));
  const body = r.headers.get("content-type")?.includes("json") ? await r.json() : null;
  if (!r.ok) {
    const detail = body && body.detail ? (typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail)) : r.statusText;
    throw new Error((HTTP_ZH[r.status] ? HTTP_ZH[r.status] + "（" : "") + detail + (HTTP_ZH[r.status] ? "）" : ""));
  }
  return body;
}
function el(tag, props, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  for (const c of children) e.append(c);
  return e;
}
const fmt = (v) => (v === null || v === undefined ? "—" : String(v));

// ---------------------------------------------------------------- upload and batches
$("upload").addEventListener("click", async () => {
  const files = $("files").files;
  if (!files.length) { $("upload-message").textContent = "请先选择文件"; return; }
  const form = new FormData();
  for (const f of files) form.append("files", f, f.name);
  $("upload-message").textContent = "上传中…";
  $("upload-message").className = "";
  try {
    const r = await api("/v1/batches", { method: "POST", body: form });
    $("upload-message").textContent = `已接收 ${r.files} 份报告` + (r.skipped.length ? `；跳过（不是报告）：${r.skipped.join("、")}` : "");
    await listBatches();
    openBatch(r.id);
  } catch (e) { $("upload-message").textContent = "上传失败：" + e.message; $("upload-message").className = "error"; }
});

async function listBatches() {
  const batches = await api("/v1/batches");
  $("batches").replaceChildren(...batches.map((b) =>
    el("li", { onclick: () => openBatch(b.id), textContent: `${b.created} · ${b.counts.files} 份 · ${STATUS[b.status] || b.status} · ${b.id}` })));
}

async function openBatch(id) {
  state.batch = id;
  $("batch-panel").hidden = false;
  const b = await api(`/v1/batches/${id}`);
  $("batch-id").textContent = id;
  $("batch-status").textContent = STATUS[b.status] || b.status;
  $("batch-status").className = "badge " + b.status;
  const p = b.progress && b.progress.total ? `；本轮 ${b.progress.done}/${b.progress.total}` : "";
  const n = b.counts;
  $("batch-counts").textContent = `${n.documents} 份文档：${n.ok} 份已读取，${n.failed} 份失败，${n.pending} 份等待${p}` +
    (b.message ? `（${b.message}）` : "");
  $("documents").tBodies[0].replaceChildren(...b.documents.map((d) => {
    const tr = el("tr", { className: d.status }, el("td", { textContent: d.name }),
      el("td", { textContent: STATUS[d.status] || d.status }), el("td", { textContent: d.message || "" }));
    if (d.status === "ok") tr.firstChild.onclick = () => openDocument(d.key);
    return tr;
  }));
  if (b.status === "queued" || b.status === "running") { setTimeout(() => state.batch === id && openBatch(id), 800); return; }
  if (b.status === "done") showDownloads(id);
}

function showDownloads(id) {
  $("downloads").hidden = false;
  const base = `/v1/batches/${id}`;
  $("dl-csv").href = base + "/cells.csv"; $("dl-xlsx").href = base + "/cells.xlsx";
  $("dl-parquet").href = base + "/cells.parquet"; $("dl-summary").href = base + "/summary";
  const t = Date.now();  // charts follow the review: reload them after a decision
  $("chart-rules").src = `${base}/charts/rules.svg?t=${t}`;
  $("chart-apps").src = `${base}/charts/applications.svg?t=${t}`;
  api(base + "/issuers").then((groups) => $("issuers").replaceChildren(...groups.filter((g) => g.keys.length > 1).map((g) =>
    el("li", { onclick: () => openCompare(g.keys), textContent: `${g.issuer}：${g.years.join("、")}` })).concat(
    groups.some((g) => g.keys.length > 1) ? [] : [el("li", { textContent: "本批次没有同一单位多个年度的报告" })])));
}

// ---------------------------------------------------------------- one document
async function openDocument(key, keepCell) {
  const doc = await api(`/v1/batches/${state.batch}/documents/${key}`);
  showDocument(doc, keepCell);
}

function showDocument(doc, keepCell) {
  if (!state.doc || state.doc.key !== doc.key) state.decided = [];
  state.doc = doc;
  $("doc-panel").hidden = false;
  $("doc-name").textContent = doc.name;
  const m = doc.meta;
  $("doc-meta").textContent = `${m.issuer || "单位未识别"} · ${m.year || "年度未识别"} · 模板 ${m.template || "未识别"} · 待核对 ${doc.queue.length} 个`;
  $("source").textContent = doc.text;
  state.cells = [];
  const grids = doc.tables.map((t) => grid(t, (td, cell) => {
    td.onclick = () => select(cell.id);
    state.cells.push(cell.id);
  }));
  $("tables").replaceChildren(...grids);
  state.queue = doc.queue;
  select(keepCell && state.cells.includes(keepCell) ? keepCell : doc.queue[0] || state.cells[0]);
  $("doc-panel").scrollIntoView({ block: "start" });
}

function grid(t, each) {
  const table = el("table", { className: "grid" }, el("caption", { textContent: `表${t.part} ${t.table}` }));
  table.append(el("tr", {}, el("th", {}), ...t.columns.map((c) => el("th", { textContent: c }))));
  for (const row of t.rows) {
    const tr = el("tr", {}, el("th", { className: "row", textContent: row.label }));
    for (const cell of row.cells) {
      if (!cell) { tr.append(el("td", {})); continue; }
      const td = el("td", { textContent: fmt(cell.value), title: cellTitle(cell) });
      td.dataset.cell = cell.id;
      td.className = [cell.status, cell.needs && cell.needs.length ? "needs" : "", cell.changed ? "changed" : "",
        cell.link ? "link" : ""].join(" ");
      if (each) each(td, cell);
      tr.append(td);
    }
    table.append(tr);
  }
  return table;
}

function cellTitle(cell) {
  return [cell.id, `状态 ${cell.status}`, `置信度 ${cell.confidence.toFixed(2)}`, cell.raw ? `原文「${cell.raw}」` : "",
    cell.note || "", (cell.needs || []).map((n) => REASONS[n] || n).join("、")].filter(Boolean).join("\n");
}

function findCell(id) {
  for (const t of state.doc.tables) for (const row of t.rows) for (const c of row.cells)
    if (c && c.id === id) return { cell: c, row: row.label, column: t.columns[row.cells.indexOf(c)], table: t };
  return null;
}

function select(id) {
  if (!id) return;
  state.selected = id;
  document.querySelectorAll(".grid td.selected").forEach((td) => td.classList.remove("selected"));
  const td = document.querySelector(`#tables td[data-cell="${CSS.escape(id)}"]`);
  if (td) { td.classList.add("selected"); td.scrollIntoView({ block: "nearest", inline: "nearest" }); }
  const found = findCell(id);
  if (!found) return;
  const c = found.cell;
  const why = (c.needs || []).map((n) => REASONS[n] || n).join("、");
  $("cell-label").textContent = `${found.row} × ${found.column}（${id}）：${fmt(c.value)}` +
    (c.repair !== null && c.repair !== undefined ? `，校验建议 ${c.repair}` : "") + (why ? `　需要核对：${why}` : "") +
    (c.decided ? `　已处理：${c.decided}` : "");
  $("value").disabled = false;
  $("value").value = "";
  showSpan(c.span);
}

function showSpan(span) {
  const text = state.doc.text;
  if (!span) { $("source").textContent = text; return; }
  const mark = el("mark", { textContent: text.slice(span[0], span[1]) });
  $("source").replaceChildren(text.slice(0, span[0]), mark, text.slice(span[1]));
  const pre = $("source");
  pre.scrollTop = Math.max(0, mark.offsetTop - pre.offsetTop - pre.clientHeight / 2);
}

async function decide(action, value) {
  if (!state.doc || !state.selected) return;
  // Undo, as in the terminal review: the latest decision made here, brought back on screen.
  const cell = action === "undo" ? (state.decided.pop() || state.selected) : state.selected;
  $("decision-message").textContent = "保存中…";
  try {
    const r = await api(`/v1/batches/${state.batch}/documents/${state.doc.key}/decisions`, {
      method: "POST", headers: headers({ "Content-Type": "application/json" }),
      body: JSON.stringify({ cell, action, value: value === undefined ? null : String(value) }),
    });
    if (action !== "undo") state.decided.push(cell);
    $("decision-message").textContent = `已保存：${cell} ${fmt(r.recorded.old)} → ${fmt(r.recorded.new)}（${r.recorded.action}）`;
    const next = action === "undo" ? cell : r.document.queue[0] || cell;
    showDocument(r.document, next);
    if (state.batch) showDownloads(state.batch);
  } catch (e) { $("decision-message").textContent = "未保存：" + e.message; }
}

function move(step) {
  const list = state.queue.length ? state.queue : state.cells;
  if (!list.length) return;
  const i = list.indexOf(state.selected);
  select(list[(i + step + list.length) % list.length]);
}

$("value").addEventListener("keydown", (e) => {
  if (e.key === "Enter") {
    e.preventDefault();
    const v = $("value").value.trim();
    if (v.toLowerCase() === "missing" || v === "无") decide("missing"); else decide("correct", v);
    $("value").blur();
  }
  if (e.key === "Escape") { $("value").value = ""; $("value").blur(); }
});

document.addEventListener("keydown", (e) => {
  if (!state.doc || $("doc-panel").hidden || e.target.tagName === "INPUT" || e.ctrlKey || e.metaKey || e.altKey) return;
  const keys = { j: () => move(1), ArrowDown: () => move(1), s: () => move(1), ArrowRight: () => move(1),
    k: () => move(-1), ArrowUp: () => move(-1), ArrowLeft: () => move(-1), n: () => nextDocument(),
    a: () => decide("accept"), r: () => decide("repair"), m: () => decide("missing"), u: () => decide("undo"),
    c: () => $("value").focus(), Enter: () => $("value").focus() };
  if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
});

async function nextDocument() {
  const b = await api(`/v1/batches/${state.batch}`);
  const ok = b.documents.filter((d) => d.status === "ok").map((d) => d.key);
  if (ok.length) openDocument(ok[(ok.indexOf(state.doc.key) + 1) % ok.length]);
}

// ---------------------------------------------------------------- year over year
async function openCompare(keys) {
  const q = keys.map((k) => "keys=" + encodeURIComponent(k)).join("&");
  const c = await api(`/v1/batches/${state.batch}/compare?${q}`);
  $("compare-panel").hidden = false;
  $("compare-issuer").textContent = c.issuer || "";
  $("compare-links").replaceChildren(...(c.links.length ? c.links.map((l) => el("li", {
    className: l.severity === "info" ? "" : "error", textContent: `${l.previous_year}→${l.year} ${l.rule}：${l.message}` }))
    : [el("li", { textContent: c.pairs ? "相邻年度的衔接全部成立" : "没有相邻的两个年度可以核对衔接" })]));
  $("compare-years").replaceChildren(...c.years.map((y) => el("div", {},
    el("h3", { textContent: `${y.year || "年度未识别"} · ${y.name}` }), ...y.tables.map((t) => grid(t)))));
  $("compare-panel").scrollIntoView({ block: "start" });
}

listBatches().catch(() => {});
