// The teacher's page (/classe): signs in with the staff link, creates the
// class and shows its join code, the pupils (connected, route step, points)
// and where they are on the map, the route picker, and the class commands
// « Rassembler la classe », « Suivez-moi » and « Pause ». The teacher is an
// avatar in the world too (pupils gather next to it, follow it): a click on
// the map walks there.

import { loadZone } from "./zone.js";
import { Connection } from "./net.js";
import { World } from "./world.js";
import { Minimap } from "./minimap.js";
import { staffStore, StaffSignIn } from "./staffsession.js";
import { CHALLENGES, challengeLabel } from "./texts.js";
import { ORDER, ROLE, ERR, toMetres, MAX_PAUSE_SECONDS } from "./protocol.js";
import { TT, LEVELS, levelLabel } from "./teachertexts.js";
import { readyRoute } from "./classroute.js";

const BUILD = document.querySelector('meta[name="build"]')?.content || "dev";
const $ = (id) => document.getElementById(id);
const MAX_ROUTE = 20;

// The teacher's connection keeps its own resume token (staffsession.js),
// and the class led, opened again after a reload of the tab.
const teacherStore = staffStore("staff", ["class"]);
teacherStore.saveClass = (id) => teacherStore.set("class", id || "");
teacherStore.loadClass = () => Number(teacherStore.get("class")) || 0;

class TeacherApp {
  constructor() {
    this.zone = null;
    this.world = null;
    this.map = null;
    this.klass = null; // the class led: a CLASS event
    this.classes = []; // the teacher's classes (CLASSES)
    this.readyRoutes = []; // [{id, title, hotspots}] (CLASSES)
    this.listed = false; // a CLASSES answer came since the WELCOME
    this.pupils = new Map(); // member number -> {id, avatarId, pseudonym, online, x, y, step, points, colour, done, following}
    this.route = []; // hotspot ids, in order, as the picker shows them
    this.routeId = ""; // the ready-made route the picker holds, while unchanged
    this.routeTotal = 0; // steps of the class's route (the server's)
    this.follow = false;
    this.pauseUntil = 0; // ms since the epoch, 0: no pause
    this.rows = new Map(); // pupil id -> <tr>
    // The class's chat settings (a new class: channel on, nearby quick phrases only), CHAT_CLASS waiting for its MODERATED.
    this.chatSettings = { classOn: true, nearbyFree: false };
    this.chatPending = null;
    this.chatReq = 0;
    this.conn = new Connection({
      onStatus: (s) => this.onStatus(s),
      onWelcome: (w) => this.onWelcome(w),
      onUpdate: (u) => this.onUpdate(u),
      onReset: () => this.world && this.world.reset(),
      store: teacherStore,
    });
    this.staff = new StaffSignIn(this.conn, teacherStore, {
      roles: [ROLE.TEACHER, ROLE.ORGANISER],
      texts: { ...TT, wrongRole: TT.notTeacher },
      showSignin: (text, retry) => this.showSignin(text, retry),
      signedIn: (t) => {
        if (t.name) $("who").textContent = TT.signedInAs(t.name);
        $("signin").hidden = true;
      },
    });
    this.wireForms();
    this.exposeHook();
  }

  // ------------------------------------------------------------ start

  async start() {
    if (!this.staff.take()) return;
    this.setStatus(TT.signingIn);
    try {
      this.zone = await loadZone();
    } catch (err) {
      console.error(err);
      this.setStatus(TT.zoneError);
      return;
    }
    this.world = new World(this.zone);
    this.fillLevels();
    this.fillRoutePicker();
    await this.signIn();
    requestAnimationFrame((t) => this.frame(t));
  }

  signIn() {
    return this.staff.signIn();
  }

  showSignin(text, retry = false) {
    $("signin").hidden = false;
    $("create").hidden = true;
    $("classroom").hidden = true;
    $("signin-text").textContent = text;
    const b = $("signin-retry");
    b.hidden = !retry;
    b.onclick = () => this.signIn();
    this.setStatus("");
  }

  setStatus(text) {
    const el = $("status");
    if (el.textContent !== text) el.textContent = text;
  }

  toast(text, ms = 4000) {
    const host = $("toasts");
    const el = document.createElement("div");
    el.className = "toast";
    el.textContent = text;
    host.appendChild(el);
    while (host.children.length > 2) host.firstChild.remove();
    setTimeout(() => el.remove(), ms);
  }

  // ------------------------------------------------------------ connection

  onStatus(s) {
    switch (s.state) {
      case "open":
        this.setStatus(TT.connected);
        break;
      case "stopped":
        if (!this.staff.onStatus(s)) this.setStatus(s.text || TT.disconnected);
        break;
      case "refused":
        this.setStatus(s.text || TT.disconnected);
        break;
      case "retrying":
        this.staff.onStatus(s);
        this.setStatus(s.text || "");
        break;
      default:
        this.setStatus(s.text || "");
    }
  }

  onWelcome(w) {
    this.world.welcome(w);
    this.staff.welcomed();
    $("who").textContent = TT.signedInAs(w.pseudonym);
    this.listed = false;
    this.conn.listClasses();
    if (this.klass) this.conn.openClass(this.klass.classId);
  }

  onUpdate(u) {
    try {
      this.world.update(u);
    } catch (err) {
      console.warn("bad update, reconnecting:", err);
      this.conn.drop();
      return;
    }
    for (const ev of u.events) this.onEvent(ev);
  }

  onEvent(ev) {
    switch (ev.kind) {
      case "role":
        if (ev.role !== ROLE.TEACHER) this.showSignin(TT.notTeacher);
        break;
      case "classes":
        this.onClasses(ev);
        break;
      case "class":
        this.onClass(ev);
        break;
      case "members":
        this.onMembers(ev);
        break;
      case "order":
        this.onOrder(ev);
        break;
      case "path":
        this.world.path(ev.seq, ev.points);
        break;
      case "error":
        this.onError(ev);
        break;
      case "chatState":
        this.chatSettings = { classOn: ev.classOn, nearbyFree: ev.nearbyFree };
        this.renderChatSettings();
        break;
      case "moderated":
        if (ev.req && ev.req === this.chatReq) {
          this.chatReq = 0;
          this.chatSettings = { ...this.chatPending };
          this.renderChatSettings();
          $("chat-settings-state").textContent = TT.chatSaved(this.chatSettings.classOn, this.chatSettings.nearbyFree);
        }
        break;
      default:
        break;
    }
  }

  onError(ev) {
    const it = this.world.self.intent;
    if (it && it.seq === ev.ref && (ev.code === ERR.BAD_INTENT || ev.code === ERR.UNREACHABLE)) this.world.self.intent = null;
    const text = {
      [ERR.BAD_CLASS]: TT.badClass,
      [ERR.NOT_ALLOWED]: TT.notAllowed,
      [ERR.UNAVAILABLE]: TT.unavailable,
      [ERR.TOO_FAST]: TT.tooFast,
      [ERR.RATE_LIMITED]: TT.tooFast,
    }[ev.code];
    if (ev.ref && ev.ref === this.createReq) {
      this.createReq = 0;
      $("create-btn").disabled = false;
      $("create-error").textContent = ev.code === ERR.BAD_CLASS ? TT.nameRefused : text || TT.unavailable;
      return;
    }
    if (ev.ref && ev.ref === this.chatReq) {
      this.chatReq = 0;
      this.renderChatSettings(); // back to what the server holds
      $("chat-settings-state").textContent = TT.chatRefused;
      return;
    }
    if (ev.ref && ev.ref === this.routeReq) {
      this.routeReq = 0;
      $("route-status").textContent = text || TT.unavailable;
      return;
    }
    if (text) this.toast(text);
    else console.warn("server error event", ev);
  }

  onClasses(ev) {
    this.classes = ev.classes;
    this.readyRoutes = ev.routes;
    this.listed = true;
    this.fillReadyRoutes();
    this.renderMine();
    const led = teacherStore.loadClass();
    if (!this.klass && led && this.classes.some((c) => c.classId === led)) this.conn.openClass(led);
    else if (!this.klass) this.showClass();
  }

  onClass(ev) {
    const other = !this.klass || this.klass.classId !== ev.classId;
    this.klass = ev;
    teacherStore.saveClass(ev.classId);
    if (other) {
      this.chatSettings = { classOn: true, nearbyFree: false };
      this.renderChatSettings();
      this.pupils.clear();
      this.follow = false;
      this.pauseUntil = 0;
    }
    if (ev.req && ev.req === this.createReq) {
      this.createReq = 0;
      $("class-name").value = "";
    }
    this.routeTotal = ev.steps.length;
    if (other || (ev.req && ev.req === this.routeReq)) {
      this.routeReq = 0;
      this.route = ev.steps.map((st) => st.hotspot);
      this.routeId = ev.route;
      this.renderRoute();
    }
    const summary = this.classes.find((c) => c.classId === ev.classId);
    if (summary) Object.assign(summary, { name: ev.name, level: ev.level, code: ev.code, closed: ev.closed, pupils: ev.pupils });
    else this.classes.push({ classId: ev.classId, name: ev.name, level: ev.level, code: ev.code, closed: ev.closed, pupils: ev.pupils });
    this.showClass();
  }

  onMembers(ev) {
    if (ev.full) this.pupils.clear();
    for (const m of ev.members) {
      if (m.role === ROLE.TEACHER) continue; // oneself
      if (m.gone) {
        this.pupils.delete(m.member);
        continue;
      }
      const had = this.pupils.get(m.member);
      const a = m.avatarId && this.world.view.get(m.avatarId);
      this.pupils.set(m.member, {
        id: m.member, avatarId: m.avatarId, pseudonym: m.pseudonym, online: m.online,
        x: toMetres(m.x), y: toMetres(m.y), step: m.steps, points: m.points, done: m.done, following: m.following,
        colour: a ? a.colour : had ? had.colour : 0,
      });
    }
    this.renderPupils();
  }

  onOrder(ev) {
    switch (ev.order) {
      case ORDER.GATHER:
        if (ev.active && ev.req) this.toast(TT.gathering);
        break;
      case ORDER.FOLLOW:
        this.follow = ev.active;
        break;
      case ORDER.PAUSE:
        this.pauseUntil = ev.active ? Date.now() + ev.seconds * 1000 : 0;
        break;
      case ORDER.END:
        this.follow = false;
        this.pauseUntil = 0;
        break;
      default:
        break;
    }
    this.renderCommands();
  }

  // ------------------------------------------------------------ class

  /** The teacher's classes and the creation form when no class is led, else the classroom. */
  showClass() {
    const k = this.klass;
    $("signin").hidden = true;
    $("create").hidden = !!k;
    $("mine").hidden = !!k || !this.classes.length;
    $("classroom").hidden = !k;
    if (!k) {
      $("create-btn").disabled = false;
      return;
    }
    $("class-close").textContent = k.closed ? TT.reopen : TT.close;
    $("class-status").textContent = k.closed ? TT.closedNote : "";
    $("join-code").classList.toggle("closed", k.closed);
    $("route-class").textContent = this.routeTotal ? TT.classDone(k.done, k.pupils) : "";
    $("class-title").textContent = TT.classTitle(k.name, levelLabel(k.level));
    $("join-code").textContent = TT.spacedCode(k.code);
    $("join-code").setAttribute("aria-label", TT.spelledCode(k.code));
    $("code-dialog-class").textContent = TT.classTitle(k.name, levelLabel(k.level));
    $("code-dialog-code").textContent = TT.spacedCode(k.code);
    $("code-dialog-code").setAttribute("aria-label", TT.spelledCode(k.code));
    if (!this.map) {
      this.map = new Minimap($("class-map"), this.zone, (x, y) => this.walkTo(x, y), { maxW: 760, maxH: 520, labels: true, every: 250, square: true });
    }
    this.renderPupils();
    this.renderCommands();
  }

  renderMine() {
    const list = $("my-classes");
    list.textContent = "";
    for (const c of this.classes) {
      const li = document.createElement("li");
      const t = document.createElement("span");
      t.textContent = TT.classLine({ ...c, level: levelLabel(c.level) });
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = TT.open;
      b.setAttribute("aria-label", TT.openClass(c.name));
      b.addEventListener("click", () => this.conn.openClass(c.classId));
      li.append(t, b);
      list.appendChild(li);
    }
    $("mine").hidden = !!this.klass || !this.classes.length;
  }

  fillLevels() {
    const sel = $("class-level");
    for (const [id, label] of LEVELS) {
      const o = document.createElement("option");
      o.value = id;
      o.textContent = label;
      sel.appendChild(o);
    }
  }

  wireForms() {
    $("create-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const name = $("class-name").value.trim();
      const level = $("class-level").value;
      const err = !name ? TT.nameMissing : !level ? TT.levelMissing : "";
      $("create-error").textContent = err;
      $("class-name").setAttribute("aria-invalid", !name ? "true" : "false");
      if (err) {
        (!name ? $("class-name") : $("class-level")).focus();
        return;
      }
      $("create-btn").disabled = true;
      this.createReq = this.conn.createClass(name, level);
      if (!this.createReq) {
        $("create-btn").disabled = false;
        $("create-error").textContent = TT.notConnected;
      }
    });
    $("code-big").addEventListener("click", () => $("code-dialog").showModal());
    $("code-dialog-close").addEventListener("click", () => $("code-dialog").close());
    // Closing stops the code (nobody else joins); the pupils in it stay, and it can be reopened.
    $("class-close").addEventListener("click", () => {
      if (this.klass) this.order(this.klass.closed ? ORDER.REOPEN : ORDER.CLOSE);
    });
    $("class-other").addEventListener("click", () => {
      this.conn.leaveClass();
      this.klass = null;
      teacherStore.saveClass(0);
      this.pupils.clear();
      this.conn.listClasses();
      this.showClass();
    });
    $("cmd-gather").addEventListener("click", () => this.order(ORDER.GATHER));
    for (const id of ["chat-class-on", "chat-nearby-free"]) $(id).addEventListener("change", () => this.sendChatSettings());
    $("cmd-follow").addEventListener("click", () => this.order(this.follow ? ORDER.END : ORDER.FOLLOW));
    $("cmd-pause").addEventListener("click", () => {
      const s = Math.min(MAX_PAUSE_SECONDS, Number($("pause-length").value) || MAX_PAUSE_SECONDS);
      this.order(this.pausing ? ORDER.END : ORDER.PAUSE, s);
    });
    $("route-ready-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const id = $("route-ready").value;
      const r = this.readyRoutes.find((x) => x.id === id);
      if (r) {
        this.route = r.hotspots.slice(0, MAX_ROUTE);
        this.routeId = r.id;
        $("route-status").textContent = TT.routeReady(r.title, this.route.length);
      } else {
        // No ready-made routes from the server: the page makes one for the challenge.
        this.route = readyRoute(this.zone, id);
        this.routeId = "";
        $("route-status").textContent = TT.routeReady(TT.readyRouteName(challengeLabel(id)), this.route.length);
      }
      this.renderRoute();
    });
    $("route-add-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const id = $("route-hotspot").value;
      if (!id) return;
      if (this.route.length >= MAX_ROUTE) {
        $("route-status").textContent = TT.routeFull(MAX_ROUTE);
        return;
      }
      if (!this.route.includes(id)) {
        this.route.push(id);
        this.routeId = "";
      }
      this.renderRoute();
    });
    $("route-clear").addEventListener("click", () => {
      this.route = [];
      this.routeId = "";
      this.renderRoute();
    });
    $("route-send").addEventListener("click", () => {
      if (!this.route.length) {
        $("route-status").textContent = TT.routeEmpty;
        return;
      }
      if (!this.klass) return;
      this.routeReq = this.routeId ? this.conn.setRoute(this.klass.classId, this.routeId, []) : this.conn.setRoute(this.klass.classId, "", this.route);
      $("route-status").textContent = this.routeReq ? TT.routeSent(this.route.length) : TT.notConnected;
    });
  }

  /** A command to the class led; false when not connected. */
  order(order, seconds = 0) {
    if (!this.klass) return false;
    const req = this.conn.order(this.klass.classId, order, seconds);
    if (!req) this.toast(TT.notConnected);
    return !!req;
  }

  get pausing() {
    return this.pauseUntil > Date.now();
  }

  // ------------------------------------------------------------ route

  /** The ready-made routes: the server's (CLASSES), else one per challenge made here. */
  fillReadyRoutes() {
    const ready = $("route-ready");
    ready.textContent = "";
    const items = this.readyRoutes.length
      ? this.readyRoutes.map((r) => [r.id, r.title])
      : Object.entries(CHALLENGES).map(([id, c]) => [id, TT.readyRouteName(c.label)]);
    for (const [id, title] of items) {
      const o = document.createElement("option");
      o.value = id;
      o.textContent = title;
      ready.appendChild(o);
    }
  }

  fillRoutePicker() {
    this.fillReadyRoutes();
    const sel = $("route-hotspot");
    const booths = this.zone.boothById;
    const groups = new Map();
    for (const h of this.zone.hotspots) {
      const key = h.challenge || "";
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(h);
    }
    for (const [c, list] of groups) {
      const g = document.createElement("optgroup");
      g.label = challengeLabel(c);
      list.sort((a, b) => a.title.localeCompare(b.title, "fr"));
      for (const h of list) {
        const o = document.createElement("option");
        o.value = h.id;
        const b = booths.get(h.booth);
        o.textContent = b ? `${h.title} (stand ${b.name})` : h.title;
        g.appendChild(o);
      }
      sel.appendChild(g);
    }
    this.renderRoute();
  }

  renderRoute() {
    const list = $("route-steps");
    list.textContent = "";
    this.route.forEach((id, i) => {
      const h = this.zone.hotspotById.get(id);
      const li = document.createElement("li");
      li.dataset.hotspot = id;
      const name = document.createElement("span");
      name.className = "step-name";
      name.textContent = h ? h.title : id;
      li.appendChild(name);
      const btn = (label, text, fn, disabled) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "secondary small";
        b.textContent = text;
        b.setAttribute("aria-label", label);
        b.disabled = disabled;
        b.addEventListener("click", fn);
        li.appendChild(b);
      };
      const title = h ? h.title : id;
      btn(TT.stepUp(title), "↑", () => this.moveStep(i, -1), i === 0);
      btn(TT.stepDown(title), "↓", () => this.moveStep(i, 1), i === this.route.length - 1);
      btn(TT.stepRemove(title), "✕", () => {
        this.route.splice(i, 1);
        this.routeId = "";
        this.renderRoute();
      }, false);
      list.appendChild(li);
    });
    $("route-empty").hidden = this.route.length > 0;
  }

  moveStep(i, d) {
    const j = i + d;
    if (j < 0 || j >= this.route.length) return;
    [this.route[i], this.route[j]] = [this.route[j], this.route[i]];
    this.routeId = "";
    this.renderRoute();
    const btn = $("route-steps").children[j]?.querySelectorAll("button")[d < 0 ? 0 : 1];
    if (btn && !btn.disabled) btn.focus();
  }

  // ------------------------------------------------------------ pupils

  renderPupils() {
    const body = $("pupils");
    const list = [...this.pupils.values()].sort((a, b) => (b.online - a.online) || a.pseudonym.localeCompare(b.pseudonym, "fr"));
    const keep = new Set(list.map((p) => p.id));
    for (const [id, tr] of this.rows) {
      if (!keep.has(id)) {
        tr.remove();
        this.rows.delete(id);
      }
    }
    list.forEach((p, i) => {
      let tr = this.rows.get(p.id);
      if (!tr) {
        tr = document.createElement("tr");
        tr.dataset.pupil = String(p.id);
        for (let k = 0; k < 4; k++) tr.appendChild(document.createElement(k === 0 ? "th" : "td"));
        tr.firstChild.scope = "row";
        this.rows.set(p.id, tr);
      }
      const cells = tr.children;
      const set = (k, t) => { if (cells[k].textContent !== t) cells[k].textContent = t; };
      set(0, p.pseudonym);
      set(1, p.online ? TT.yes : TT.no);
      set(2, TT.stepOf(p.step, this.routeTotal, p.done));
      set(3, String(p.points));
      tr.classList.toggle("away", !p.online);
      if (body.children[i] !== tr) body.insertBefore(tr, body.children[i] || null);
    });
    const online = list.filter((p) => p.online).length;
    $("pupils-empty").hidden = list.length > 0;
    $("pupils-summary").textContent = list.length ? TT.pupilsSummary(online, list.length) : "";
    if (this.map) {
      this.map.setMarks(list.filter((p) => p.x || p.y).map((p) => ({ id: p.avatarId || -p.id - 1, x: p.x, y: p.y, colour: p.colour, label: p.pseudonym, away: !p.online })));
    }
  }

  /** CHAT_CLASS with the two switches' state; MODERATED confirms it. */
  sendChatSettings() {
    this.chatPending = { classOn: $("chat-class-on").checked, nearbyFree: $("chat-nearby-free").checked };
    const req = this.conn.chatClass(this.chatPending.classOn, this.chatPending.nearbyFree);
    if (req) {
      this.chatReq = req;
      $("chat-settings-state").textContent = "";
    } else {
      this.renderChatSettings();
      $("chat-settings-state").textContent = TT.notConnected;
    }
  }

  renderChatSettings() {
    $("chat-class-on").checked = this.chatSettings.classOn;
    $("chat-nearby-free").checked = this.chatSettings.nearbyFree;
  }

  renderCommands() {
    const f = $("cmd-follow");
    f.setAttribute("aria-pressed", this.follow ? "true" : "false");
    f.textContent = this.follow ? TT.followStop : TT.follow;
    const p = $("cmd-pause");
    const pausing = this.pausing;
    p.setAttribute("aria-pressed", pausing ? "true" : "false");
    p.textContent = pausing ? TT.pauseStop : TT.pause;
    const parts = [];
    if (this.follow) parts.push(TT.followOn);
    if (pausing) parts.push(TT.pauseOn(Math.ceil((this.pauseUntil - Date.now()) / 1000)));
    const t = parts.join(" ");
    if ($("cmd-state").textContent !== t) $("cmd-state").textContent = t;
  }

  // ------------------------------------------------------------ actions

  walkTo(x, y) {
    const seq = this.conn.goto(x, y);
    if (seq) this.world.setIntent({ kind: "wait", seq });
  }

  // ------------------------------------------------------------ frame loop

  frame(now) {
    requestAnimationFrame((t) => this.frame(t));
    const dt = Math.max(0, (now - (this.last || now)) / 1000);
    this.last = now;
    if (!this.world) return;
    this.world.step(dt, now);
    this.world.interpolate(now);
    if (this.map && !$("classroom").hidden) this.map.draw(this.world, now, 0);
    if (!this.lastUi || now - this.lastUi > 500) {
      this.lastUi = now;
      if (this.pauseUntil && !this.pausing) this.pauseUntil = 0;
      this.renderCommands();
    }
  }

  // ------------------------------------------------------------ test hook

  exposeHook() {
    const app = this;
    window.__classe = {
      build: BUILD,
      get connected() { return app.conn.connected; },
      get selfId() { return app.world ? app.world.selfId : 0; },
      get self() { return app.world ? { x: app.world.self.serverX, y: app.world.self.serverY, known: app.world.self.known } : null; },
      /** The teacher's avatar stands (no walk under way). */
      get still() { return !!app.world && !app.world.self.intent; },
      get klass() { return app.klass ? { ...app.klass } : null; },
      get pupils() { return [...app.pupils.values()].map((p) => ({ ...p })); },
      get classes() { return app.classes.map((c) => ({ ...c })); },
      get zone() { return app.zone ? { width: app.zone.width, height: app.zone.height, hotspots: app.zone.hotspots } : null; },
      get readyRoutes() { return app.readyRoutes.map((r) => ({ ...r })); },
      /** What the map draws: the pupils where they are (metres), drawn through the interpolated view when in it. */
      get marks() {
        if (!app.map) return [];
        return app.map.marks.map((m) => {
          const a = app.world.view.get(m.id);
          return { ...m, x: a ? a.rx : m.x, y: a ? a.ry : m.y };
        });
      },
      get route() { return [...app.route]; },
      get follow() { return app.follow; },
      get chatSettings() { return { ...app.chatSettings }; },
      get pausing() { return app.pausing; },
      walkTo(x, y) { app.walkTo(x, y); },
    };
  }
}

const app = new TeacherApp();
app.start();
