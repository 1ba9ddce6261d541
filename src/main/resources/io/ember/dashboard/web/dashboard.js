// The Ember dashboard: polls /api/cluster every second (the cookie set by ?token= authenticates it) and
// redraws every panel from the reply. Tasks by state over time are kept here, in the page: the server
// keeps no history. Plain DOM, no library, nothing fetched from elsewhere (works offline).
"use strict";

const POLL_MS = 1000;
const HISTORY = 300; // samples kept for the chart: 5 minutes at one a second
const COLORS = { PENDING: "#b06000", QUEUED: "#8e44ad", RUNNING: "#1a73e8", FINISHED: "#137333", FAILED: "#c5221f", LOST: "#e37400" };
const history = [];

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function row(cells, attrs) {
  const tr = document.createElement("tr");
  for (const c of cells) tr.appendChild(c instanceof Node ? c : el("td", c));
  for (const [k, v] of Object.entries(attrs || {})) tr.setAttribute(k, v);
  return tr;
}

function num(v) {
  return el("td", v === null || v === undefined ? "–" : Number(v).toLocaleString("en"), "num");
}

function stateCell(s) {
  return el("td", s, "state state-" + s);
}

function age(ms) {
  if (ms === null || ms === undefined) return "–";
  if (ms < 1000) return ms + " ms";
  if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
  if (ms < 3600000) return Math.round(ms / 60000) + " min";
  return (ms / 3600000).toFixed(1) + " h";
}

function bytes(b) {
  if (b === null || b === undefined) return "–";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) { b /= 1024; i++; }
  return (i === 0 ? b : b.toFixed(1)) + " " + units[i];
}

function compact(o) {
  if (o === null || o === undefined) return "–";
  if (typeof o !== "object") return String(o);
  return Object.entries(o).map(([k, v]) => k + "=" + (typeof v === "object" && v !== null ? JSON.stringify(v) : v)).join(" ");
}

function fill(tbodySelector, rows, empty, columns) {
  const tbody = document.querySelector(tbodySelector);
  tbody.replaceChildren(...rows);
  if (rows.length === 0) tbody.appendChild(row([Object.assign(el("td", empty, "muted"), { colSpan: columns })]));
}

function drawNodes(c) {
  fill("#nodes tbody", c.nodes.map(n => {
    const load = n.load ? compact({ busy: n.load.busy, slots: n.load.slots, queued: n.load.queued }) : "–";
    return row([el("td", n.id), stateCell(n.state), num(n.epoch), el("td", n.host),
      el("td", n.state === "ALIVE" ? age(n.heartbeatAgeMs) : (n.deadReason || "") + (n.deadAt ? " at " + time(n.deadAt) : ""), "wrap"),
      el("td", load), el("td", compact(n.resources)), num(n.objects), el("td", bytes(n.objectBytes), "num")],
      { "data-node": n.id, "data-state": n.state });
  }), "no nodes registered", 9);
  const alive = c.nodes.filter(n => n.state === "ALIVE").length;
  document.getElementById("summary").textContent = alive + " of " + c.nodes.length + " nodes alive";
}

function drawTasks(c) {
  history.push({ at: c.now, tasks: c.tasks });
  while (history.length > HISTORY) history.shift();
  const prev = history.length > 1 ? history[history.length - 2] : null;
  const secs = prev ? Math.max(0.001, (c.now - prev.at) / 1000) : 1;
  fill("#tasks tbody", Object.entries(c.tasks).map(([s, n]) => {
    const swatch = el("span", "", "legend");
    swatch.style.background = COLORS[s] || "#888";
    const name = el("td");
    name.append(swatch, s);
    const rate = prev ? ((n - (prev.tasks[s] || 0)) / secs).toFixed(1) : "–";
    return row([name, num(n), el("td", rate, "num")], { "data-task-state": s });
  }), "", 3);
  const svg = document.getElementById("tasks-chart");
  const max = Math.max(1, ...history.flatMap(h => Object.values(h.tasks)));
  const lines = Object.keys(c.tasks).map(s => {
    const pts = history.map((h, i) => {
      const x = history.length === 1 ? 600 : (i / (history.length - 1)) * 600;
      return x.toFixed(1) + "," + (155 - ((h.tasks[s] || 0) / max) * 150).toFixed(1);
    }).join(" ");
    const p = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    p.setAttribute("points", pts);
    p.setAttribute("fill", "none");
    p.setAttribute("stroke", COLORS[s] || "#888");
    p.setAttribute("stroke-width", "2");
    p.setAttribute("vector-effect", "non-scaling-stroke");
    return p;
  });
  svg.replaceChildren(...lines);
}

function drawActors(c) {
  const a = c.actors;
  document.getElementById("actor-counts").textContent =
    a.count + " in all: " + Object.entries(a).filter(([k]) => k !== "count").map(([k, v]) => v + " " + k).join(", ");
  const list = c.actorList;
  fill("#actors tbody", list.shown.map(x => row([el("td", x.id), el("td", x.class), stateCell(x.state), el("td", x.node || "–"),
    num(x.restarts), num(x.incarnation), el("td", x.checkpointAgeMs === null ? "none" : age(x.checkpointAgeMs))],
    { "data-actor": x.id, "data-state": x.state })), "no actors", 7);
  if (list.total > list.shown.length) {
    document.querySelector("#actors tbody").appendChild(row([Object.assign(el("td",
      "… and " + (list.total - list.shown.length) + " more", "muted"), { colSpan: 7 })]));
  }
}

function drawObjects(c) {
  const per = c.nodes.filter(n => n.state === "ALIVE").map(n => n.id + ": " + (n.objects ?? 0) + " (" + bytes(n.objectBytes) + ")");
  document.getElementById("objects").textContent = c.objects.count.toLocaleString("en") + " objects, " + bytes(c.objects.bytes)
    + " in the cluster" + (per.length ? "; held in memory per node: " + per.join(", ") : "");
}

function time(ms) {
  const d = new Date(ms);
  return d.toLocaleTimeString("en-GB") + "." + String(d.getMilliseconds()).padStart(3, "0");
}

function drawRecoveries(c) {
  document.getElementById("recoveries-count").textContent = "newest " + c.recoveriesShown + " of " + c.recoveriesTotal;
  fill("#recoveries tbody", c.recoveries.map(r => {
    const what = Object.assign({}, r);
    delete what.kind;
    delete what.at;
    return row([el("td", time(r.at)), el("td", r.kind), el("td", compact(what), "wrap")], { "data-kind": r.kind, class: "kind-" + r.kind });
  }), "none yet", 3);
}

function drawJobs(c) {
  document.getElementById("jobs").textContent = c.jobs.length === 0 ? "none yet" : c.jobs.map(compact).join("\n");
}

function showError(text) {
  const e = document.getElementById("error");
  e.hidden = !text;
  e.textContent = text || "";
}

async function poll() {
  try {
    const r = await fetch("api/cluster", { credentials: "same-origin", cache: "no-store" });
    if (r.status === 401) {
      showError("Not authorised: open the address that `java -jar node.jar dashboard -conf <conf>` prints (it carries the token).");
    } else if (!r.ok) {
      showError("The node could not read the cluster state (" + r.status + "): " + ((await r.json()).error || ""));
    } else {
      const c = await r.json();
      showError(null);
      drawNodes(c);
      drawTasks(c);
      drawActors(c);
      drawObjects(c);
      drawRecoveries(c);
      drawJobs(c);
      document.getElementById("updated").textContent = "updated " + time(c.now);
    }
  } catch (e) {
    showError("This node's dashboard does not answer (" + e.message + "); another node's may: every node serves one.");
  }
  setTimeout(poll, POLL_MS);
}

poll();
