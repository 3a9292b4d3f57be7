// Entry point: loads the zone, runs the pseudonym and look screen, the
// connection, the view (3D at a quality level, or 2D without WebGL) and the
// frame loop, and wires the UI.

import { loadZone, hotspotsNear, placeAt } from "./zone.js";
import { Connection, session } from "./net.js";
import { World } from "./world.js";
import { UI } from "./ui.js";
import { Labels } from "./labels.js";
import { Minimap } from "./minimap.js";
import { Input } from "./input.js";
import { View2D } from "./view2d.js";
import { ERR, SCOPE, ORDER, ROLE, toMetres } from "./protocol.js";
import { ClassView, normaliseCode } from "./classview.js";
import { ChatView } from "./chatview.js";
import { CT } from "./classtexts.js";
import { ContentView } from "./contentview.js";
import { ProgressView } from "./progressview.js";
import { T, whereText, pseudonymHelp } from "./texts.js";
import { FrameStats } from "./stats.js";
import { forcedQuality, QualityGovernor } from "./quality.js";
import { COLOURS, SHAPES } from "./look.js";

const BUILD = document.querySelector('meta[name="build"]')?.content || "dev";
const NEARBY_RANGE = 30;
const AROUND_RANGE = 25;
const OUTAGE_GRACE_MS = 800; // a blip that resumes at once shows no overlay
const STORE_LOOK = "usine.look";
// The pair of builds the page last asked to reload for (see askReload).
const STORE_RELOAD = "usine.reload";
const LEADERBOARD_EVERY_MS = 15000;
const LEADERBOARD_SOON_MS = 1500; // after new points

function webglAvailable() {
  try {
    const c = document.createElement("canvas");
    return !!(c.getContext("webgl2") || c.getContext("webgl"));
  } catch {
    return false;
  }
}

async function createView(host, zone, opts) {
  if (webglAvailable()) {
    try {
      const { View3D } = await import("./view3d.js");
      return new View3D(host, zone, opts);
    } catch (err) {
      console.warn("3D view unavailable, using the 2D view:", err);
    }
  }
  return new View2D(host, zone, opts);
}

// The tab's own memory (sessionStorage): the look chosen, erased when the
// tab closes. Progress (the contents seen, points, badges) is the server's.
const store = {
  get(key, fallback) {
    try {
      const v = JSON.parse(sessionStorage.getItem(key) || "null");
      return v === null ? fallback : v;
    } catch {
      return fallback;
    }
  },
  set(key, value) {
    try {
      sessionStorage.setItem(key, JSON.stringify(value));
    } catch { /* storage disabled: memory only */ }
  },
};

class App {
  constructor() {
    this.ui = new UI();
    this.zone = null;
    this.world = null;
    this.view = null;
    this.stats = new FrameStats();
    this.pendingOpen = null; // {req, hotspot}
    this.approach = null; // {hotspot, until}: open it once close enough
    const forced = forcedQuality();
    this.governor = new QualityGovernor(forced || "medium", !!forced);
    this.reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");
    this.reducedMotion.addEventListener?.("change", () => this.rebuildView());
    const look = store.get(STORE_LOOK, { colour: 0, shape: 0 });
    this.look = {
      colour: Number.isInteger(look.colour) && look.colour >= 0 && look.colour < COLOURS.length ? look.colour : 0,
      shape: Number.isInteger(look.shape) && look.shape >= 0 && look.shape < SHAPES.length ? look.shape : 0,
    };
    this.remember = false;
    this.key = "";
    this.answers = new Map(); // ANSWER req -> question, for its errors
    this.klass = null; // the pupil's class: a CLASS event
    this.mates = new Map(); // member number -> member (positions in metres), oneself left out
    this.classCode = ""; // a code typed on the welcome screen, sent after WELCOME
    this.joinReq = 0; // the CLASS_JOIN waiting for its answer
    this.wrongCodes = 0; // wrong codes on this connection (the server closes at the sixth)
    this.selfStopped = false; // the pupil ended the follow
    this.classView = null;
    this.progress = new ProgressView({
      share: (id) => this.conn.share(id),
      unshare: (id) => this.conn.unshare(id),
      leaderboard: (scope) => this.conn.leaderboard(scope),
      erase: () => this.conn.erase(),
      remember: (on) => {
        this.remember = on;
        session.saveKey(this.conn.pseudonym, this.key, on);
      },
    });
    this.content = new ContentView({
      answer: (id, q, choices) => {
        const req = this.conn.answer(id, q, choices);
        if (req) this.answers.set(req, q);
      },
      questionnaire: (id, answers) => this.conn.questionnaire(id, answers),
    });
    this.chat = new ChatView({
      say: (channel, text) => this.conn.chatSay(channel, text),
      quick: (channel, phrase) => this.conn.chatQuick(channel, phrase),
      report: (messageId, avatarId, reason) => this.conn.chatReport(messageId, avatarId, reason),
      toast: (text) => this.ui.toast(text, 5000),
      selfId: () => (this.world ? this.world.selfId : 0),
    });
    document.getElementById("card-report").addEventListener("click", () => {
      const id = this.ui.cardAvatar;
      const a = id && this.world?.view.get(id);
      if (a) this.chat.openReport({ messageId: 0, avatarId: a.id, who: a.pseudonym });
    });
    this.conn = new Connection({
      onStatus: (s) => this.onStatus(s),
      onWelcome: (w) => this.onWelcome(w),
      onUpdate: (u) => this.onUpdate(u),
      onReset: () => this.world && this.world.reset(),
    });
    this.conn.look = this.look;
    this.ui.initLook(this.look, (l) => {
      this.look = l;
      this.conn.look = l;
      if (this.world) this.world.look = l;
      store.set(STORE_LOOK, l);
    });
    this.zoneReady = this.fetchZone();
    this.ui.onJoin((p, l, key, remember) => this.join(p, l, key, remember));
    this.exposeHook();
  }

  get motion() {
    return !this.reducedMotion.matches;
  }

  async fetchZone() {
    try {
      const zone = await loadZone();
      await this.setZone(zone);
    } catch (err) {
      console.error(err);
      this.ui.setStatus(T.zoneError);
      this.ui.el.joinError.textContent = T.zoneError;
      throw err;
    }
  }

  async setZone(zone) {
    if (this.zone && this.zone.id === zone.id) return;
    this.zone = zone;
    const keepSelf = this.world;
    this.world = new World(zone);
    this.world.look = this.look;
    if (keepSelf) Object.assign(this.world, { selfId: keepSelf.selfId, pseudonym: keepSelf.pseudonym });
    await this.rebuildView();
    this.labels = this.labels || new Labels(document.getElementById("labels"));
    this.minimap = new Minimap(document.getElementById("minimap"), zone, (x, y) => this.walkTo(x, y));
    this.minimap.setSeen(this.progress.seen);
    if (!this.classView) {
      this.classView = new ClassView(zone, {
        join: (code) => this.joinClass(code),
        // To the step's content: opened at once when near, else walked to and opened on arrival (the step is done).
        go: (t) => {
          const h = this.zone.hotspotById.get(t.id);
          if (h) this.openHotspot(h);
          else this.walkTo(t.x, t.y);
        },
        stopFollow: () => this.stopFollow(),
        leave: () => this.conn.leaveClass(),
      });
    } else this.classView.setZone(zone);
    this.refreshMates();
    this.ui.fillTravel(zone, (x, y, name) => {
      this.walkTo(x, y);
      this.ui.toast(`En route : ${name}`, 2500);
    });
    const host = this.ui.el.view;
    if (!this.input) {
      this.input = new Input(host, {
        onDirection: (dx, dy) => this.walk(dx, dy),
        onTap: (px, py) => this.tap(px, py),
        onOrbit: (a, e) => this.view.orbit(a, e),
        onZoom: (f) => this.view.zoom(f),
        onEnter: () => this.openNearest(),
        getAzimuth: () => this.view.azimuth,
      });
      window.addEventListener("resize", () => this.view.resize());
      new ResizeObserver(() => this.view.resize()).observe(host);
      this.last = performance.now();
      requestAnimationFrame((t) => this.frame(t));
    }
    this.ui.setStatus(this.conn.state === "open" ? T.connected : "");
  }

  /** (Re)creates the view at the governor's quality level and the motion setting. */
  async rebuildView() {
    if (!this.zone) return;
    const old = this.view;
    const cam = old ? { azimuth: old.azimuth, distance: old.distance } : null;
    if (old) old.dispose();
    this.view = null;
    const view = await createView(this.ui.el.view, this.zone, { quality: this.governor.level, motion: this.motion });
    if (cam) Object.assign(view, cam);
    view.setSeen(this.progress.seen);
    this.view = view;
  }

  start() {
    const saved = session.load();
    const mem = session.remembered();
    this.remember = !!mem;
    if (saved.pseudonym && saved.token) {
      // A reload of this tab: resume the visit straight away.
      this.key = saved.key || (mem && mem.pseudonym === saved.pseudonym ? mem.key : "");
      this.ui.showVisit();
      this.zoneReady.then(() => this.conn.start(saved.pseudonym, saved.token, this.key), () => {});
    } else {
      this.ui.showJoin("", saved.pseudonym || (mem ? mem.pseudonym : ""));
      this.ui.prefill(mem ? mem.pseudonym : "", mem ? mem.key : saved.key, this.remember);
      this.ui.setStatus("");
    }
  }

  async join(pseudonym, look, key = "", remember = false) {
    this.remember = remember;
    this.key = key;
    if (!remember) session.saveKey(pseudonym, "", false); // unticked: the device forgets
    this.look = look;
    this.conn.look = look;
    store.set(STORE_LOOK, look);
    if (this.world) this.world.look = look;
    try {
      await this.zoneReady;
    } catch {
      this.ui.showJoin(T.zoneError, pseudonym);
      return;
    }
    this.typed = pseudonym;
    this.classCode = normaliseCode(document.getElementById("join-class-code").value);
    this.progress.reset();
    this.conn.start(pseudonym, "", key);
  }

  // ------------------------------------------------------------ connection

  onStatus(s) {
    // The status line stays short; long explanations go to the notice.
    const short = { blocked: "Connexion en temps réel bloquée", refused: "", stopped: T.disconnected }[s.state];
    this.ui.setStatus(short !== undefined ? short : s.text);
    if (s.state !== "retrying" && s.state !== "blocked") this.hideOutage();
    switch (s.state) {
      case "open":
        this.ui.notice("");
        this.ui.showVisit();
        break;
      case "refused": {
        this.ui.notice("");
        let text = s.code === 4010 ? pseudonymHelp(this.typed || this.conn.pseudonym, s.text) : s.text;
        // With a key, the pseudonym is most likely still held by the
        // visitor's own earlier session (kept a minute after its tab closed).
        if (s.code === 4011 && this.key) text = T.pseudoTakenWithKey;
        this.ui.showJoin(text, this.conn.pseudonym, !!s.key);
        break;
      }
      case "erased":
        // « Effacer mes données » is done: back to the start, nothing kept.
        this.ui.notice("");
        if (this.ui.panelOpen) this.ui.closePanel();
        this.key = "";
        this.remember = false;
        this.progress.reset();
        this.view?.setSeen(this.progress.seen);
        this.minimap?.setSeen(this.progress.seen);
        this.ui.prefill("", "", false);
        this.ui.showJoin(T.erased, "");
        break;
      case "blocked":
        this.ui.showVisit();
        this.showOutage(T.blocked, s.retryAt, 0);
        break;
      case "stopped":
        if (!s.text) break;
        this.ui.showVisit();
        this.ui.notice(s.text, {
          reload: s.reload,
          here: s.resumeHere ? () => this.conn.start(this.conn.pseudonym, this.conn.token) : null,
          retry: !s.reload && !s.resumeHere ? () => this.conn.start(this.conn.pseudonym, this.conn.token) : null,
        });
        break;
      case "retrying":
        if (this.conn.everOpened) {
          this.ui.notice("");
          this.showOutage(s.text === T.lost ? T.outage : s.text, s.retryAt, OUTAGE_GRACE_MS);
        } else if (!this.ui.el.join.hidden) this.ui.el.joinError.textContent = s.text;
        break;
      default:
        break;
    }
  }

  /** The view stops pretending: an overlay with a countdown and "Réessayer". */
  showOutage(text, retryAt, graceMs) {
    const show = () => {
      this.outageTimer = 0;
      this.ui.outage(text, retryAt || 0, () => this.conn.retryNow());
    };
    clearTimeout(this.outageTimer);
    if (graceMs && !this.ui.outageShown) this.outageTimer = setTimeout(show, graceMs);
    else show();
  }

  hideOutage() {
    clearTimeout(this.outageTimer);
    this.outageTimer = 0;
    this.ui.outage(null);
  }

  /**
   * Whether to ask for a reload: the server is of another build. Once per
   * pair of builds per tab: during a rolling upgrade behind round robin,
   * the page reloaded for the new build may come from an old node, or its
   * next WebSocket land on one; asking again would loop. Two consecutive
   * builds interoperate, so the page works on either.
   */
  askReload(serverBuild) {
    if (!serverBuild || serverBuild === BUILD) return false;
    const pair = [BUILD, serverBuild].sort().join(" ");
    if (store.get(STORE_RELOAD, "") === pair && !this.askedReload) return false;
    store.set(STORE_RELOAD, pair);
    this.askedReload = true; // this page keeps asking for that pair
    return true;
  }

  async onWelcome(w) {
    this.ui.showVersionBanner(this.askReload(w.build));
    this.world.welcome(w);
    this.pendingOpen = null;
    if (w.zoneId && this.zone && w.zoneId !== this.zone.id) {
      try {
        await this.setZone(await loadZone());
        this.world.welcome(w);
      } catch (err) {
        console.error(err);
      }
    }
    if (this.ui.panelOpen) this.ui.closePanel();
    this.ui.closeCard(false);
    // Keys still held across a reconnection keep walking.
    this.input.forget();
    if (this.input.walking) this.input._direction();
    if (this.key) session.saveKey(w.pseudonym, this.key, this.remember);
    this.progress.setKey(this.key, this.remember);
    this.wrongCodes = 0; // five tries a connection
    if (!w.resumed) this.leftClass(false);
    if (this.classCode) {
      const code = this.classCode;
      this.classCode = "";
      this.joinClass(code);
    }
    clearInterval(this.lbTimer);
    this.lbTimer = setInterval(() => this.conn.connected && this.conn.leaderboard(this.progress.scope), LEADERBOARD_EVERY_MS);
    setTimeout(() => this.conn.leaderboard(this.progress.scope), 500);
  }

  onUpdate(u) {
    const w = this.world;
    try {
      w.update(u);
    } catch (err) {
      console.warn("bad update, reconnecting:", err);
      this.conn.drop();
      return;
    }
    for (const ev of u.events) this.onEvent(ev);
    if (this.approach) {
      const h = this.approach.hotspot;
      if (performance.now() > this.approach.until) this.approach = null;
      else if (Math.hypot(w.self.serverX - h.x, w.self.serverY - h.y) <= Math.max(0.5, (h.range || 5) - 0.3)) {
        this.approach = null;
        this.openHotspot(h);
      }
    }
    // A visitor whose card is open and who left the view: close the card.
    const card = this.ui.cardAvatar;
    if (card && !w.view.has(card)) this.ui.closeCard(false);
  }

  onEvent(ev) {
    const z = this.zone;
    switch (ev.kind) {
      case "content":
        this.pendingOpen = null;
        this.ui.openPanel(ev, (id) => this.conn.closeHotspot(id), (c) => this.content.show(c));
        break;
      case "progress":
        this.onProgress(ev);
        break;
      case "answer":
        this.content.answered(ev);
        break;
      case "jobs":
        this.content.jobs(ev);
        break;
      case "badge":
        this.progress.badge(ev);
        this.say(T.badgeEarned(ev.title));
        break;
      case "badgeNotice":
        if (ev.avatarId !== this.world.selfId) this.ui.toast(T.badgeNotice(ev.pseudonym, ev.title), 5000);
        break;
      case "leaderboard":
        this.progress.leaderboard(ev);
        break;
      case "share":
        this.progress.shareLink(ev);
        break;
      case "discovered":
        if (ev.avatarId !== this.world.selfId) {
          const h = z.hotspotById.get(ev.hotspotId);
          this.ui.toast(T.discovered(ev.pseudonym, h ? h.title : ev.hotspotId));
        }
        break;
      case "viewers":
        this.ui.setViewers(ev.hotspotId, ev.viewers);
        break;
      case "path":
        // A guided tour's paths come with the seq of one's last intent (docs/PROTOCOL.md, "Orders"): walk them too.
        if (this.classView?.following && ev.seq === this.world.self.lastSeq) this.world.self.intent = { kind: "wait", seq: ev.seq };
        this.world.path(ev.seq, ev.points);
        break;
      case "error":
        this.onError(ev);
        break;
      case "role":
        if (ev.role !== ROLE.PUPIL && this.klass) this.leftClass(true);
        break;
      case "class":
        this.onClass(ev);
        break;
      case "members":
        this.onMembers(ev);
        break;
      case "routeStep":
        this.onRouteStep(ev);
        break;
      case "order":
        this.onOrder(ev);
        break;
      case "chat":
        this.chat.add(ev);
        break;
      case "chatRemoved":
        this.chat.remove(ev.messageId);
        break;
      case "chatState":
        this.chat.setState(ev);
        break;
      case "chatBlocked":
        this.chat.blocked(ev);
        break;
      case "moderated":
        this.chat.moderated(ev);
        break;
      default:
        break;
    }
  }

  // ------------------------------------------------------------ class

  joinClass(code) {
    const input = document.getElementById("class-code");
    if (input.value !== code) input.value = code; // to correct it when it is wrong
    const req = this.conn.joinClass(code);
    if (req) this.joinReq = req;
    return !!req;
  }

  onClass(ev) {
    const first = !this.klass || this.klass.classId !== ev.classId;
    this.klass = ev;
    this.chat.setClass(true);
    this.classView?.setClass({ name: ev.name, level: ev.level, teacher: ev.teacher });
    if (first && ev.req && ev.req === this.joinReq) {
      this.joinReq = 0;
      this.say(CT.joined(ev.name));
    }
    this.conn.leaderboard(this.progress.scope);
  }

  /** Out of the class (it was closed, or a new session): nothing of it stays on the page. */
  leftClass(say) {
    if (!this.klass) return;
    this.klass = null;
    this.mates.clear();
    this.chat.setClass(false);
    this.classView?.setClass(null);
    this.minimap?.setTarget(null);
    this.refreshMates();
    if (say) this.say(CT.classClosed);
  }

  onMembers(ev) {
    if (ev.full) this.mates.clear();
    for (const m of ev.members) {
      if (m.gone || (m.avatarId && m.avatarId === this.world.selfId)) {
        this.mates.delete(m.member);
        continue;
      }
      const had = this.mates.get(m.member);
      this.mates.set(m.member, {
        ...m, x: toMetres(m.x), y: toMetres(m.y),
        colour: had ? had.colour : 0, shape: had ? had.shape : 0,
      });
    }
    this.refreshMates();
  }

  /** The class list, the minimap's marks and the labels from the members held. */
  refreshMates() {
    const list = [...this.mates.values()];
    for (const m of list) {
      const a = m.avatarId && this.world?.view.get(m.avatarId);
      if (a) {
        m.colour = a.colour;
        m.shape = a.shape;
      }
    }
    const pupils = list.map((m) => ({ id: m.avatarId || -m.member - 1, pseudonym: m.role === ROLE.TEACHER ? `${m.pseudonym} (prof)` : m.pseudonym, online: m.online, colour: m.colour, shape: m.shape, x: m.x, y: m.y }));
    this.classView?.setMates(pupils);
    this.minimap?.setMarks(list.filter((m) => m.online && (m.x || m.y)).map((m) => ({
      id: m.avatarId, x: m.x, y: m.y, colour: m.colour, label: m.pseudonym, kind: m.role === ROLE.TEACHER ? "teacher" : "classmate",
    })));
    if (this.labels) this.labels.classmates = new Set(list.filter((m) => m.avatarId).map((m) => m.avatarId));
  }

  onRouteStep(ev) {
    const st = {
      steps: ev.steps, total: ev.total, hotspot: ev.hotspot, x: toMetres(ev.x), y: toMetres(ev.y),
      path: ev.path.map((p) => ({ x: toMetres(p.x), y: toMetres(p.y) })),
    };
    const changed = this.classView?.setStep(st);
    const t = this.classView?.target || null;
    this.minimap?.setTarget(t);
    if (changed && t) this.say(CT.newStep(t.title));
  }

  teacherName() {
    for (const m of this.mates.values()) if (m.role === ROLE.TEACHER) return m.pseudonym;
    return this.klass ? this.klass.teacher : "";
  }

  onOrder(ev) {
    const cv = this.classView;
    if (!cv) return;
    switch (ev.order) {
      case ORDER.GATHER:
        if (ev.active) {
          this.world.self.intent = null; // the server placed the avatar and cleared its intent
          this.approach = null;
          this.say(CT.gather);
        }
        break;
      case ORDER.FOLLOW:
        if (ev.active) {
          this.selfStopped = false;
          cv.setFollow(true, this.teacherName());
        } else if (cv.following) {
          cv.setFollow(false);
          this.say(this.selfStopped ? CT.followStopped : CT.followEnded);
        }
        break;
      case ORDER.PAUSE:
        if (ev.active) {
          this.world.self.intent = null;
          cv.setPause(Date.now() + ev.seconds * 1000);
        } else if (cv.paused) {
          cv.setPause(0);
          this.say(CT.pauseEnded);
        }
        break;
      case ORDER.END:
        if (cv.following) cv.setFollow(false);
        if (cv.paused) cv.setPause(0);
        break;
      default:
        break;
    }
  }

  /** The pupil ends the guided tour: a stop intent (any intent of one's own ends the follow). */
  stopFollow() {
    this.selfStopped = true;
    this.walk(0, 0);
  }

  /** A PROGRESS: the side panel, the seen marks, the points of the open content, the key. */
  onProgress(ev) {
    const before = this.progress.points;
    const added = this.progress.apply(ev);
    if (ev.full || added.length) {
      this.view?.setSeen(this.progress.seen);
      this.minimap?.setSeen(this.progress.seen);
    }
    const open = this.content.hotspotId;
    if (open && added.includes(open)) this.content.earned(open, ev.points - before);
    if (ev.points !== before) this.refreshLeaderboard();
    if (ev.key && ev.key !== this.key) {
      this.key = ev.key;
      this.conn.key = ev.key; // a new session after an expiry gets this progress back
      session.saveKey(this.conn.pseudonym, ev.key, this.remember);
      this.progress.setKey(ev.key, this.remember);
      if (!ev.full) this.content.showKey(ev.key);
    }
  }

  /** New points: the board again, at most once every LEADERBOARD_SOON_MS. */
  refreshLeaderboard() {
    if (this.lbSoon) return;
    this.lbSoon = setTimeout(() => {
      this.lbSoon = 0;
      if (this.conn.connected) this.conn.leaderboard(this.progress.scope);
    }, LEADERBOARD_SOON_MS);
  }

  /** A message for the visitor: in the open content's panel, or a toast. */
  say(text) {
    if (this.ui.panelOpen) this.content.note(text);
    else this.ui.toast(text, 5000);
  }

  onError(ev) {
    const it = this.world.self.intent;
    if (it && it.seq === ev.ref && (ev.code === ERR.BAD_INTENT || ev.code === ERR.UNREACHABLE)) this.world.self.intent = null;
    if (this.chat.onError(ev)) return; // the chat's own (chatview.js)
    if (ev.code === ERR.OUT_OF_RANGE) {
      const p = this.pendingOpen;
      this.ui.toast(T.outOfRange);
      if (p && p.req === ev.ref) {
        // Walk to it and open it on arrival.
        this.pendingOpen = null;
        this.walkTo(p.hotspot.x, p.hotspot.y);
        this.approach = { hotspot: p.hotspot, until: performance.now() + 60000 };
      }
    } else if (ev.code === ERR.UNREACHABLE) {
      this.ui.toast(T.unreachable);
    } else if (ev.code === ERR.UNKNOWN_HOTSPOT) {
      this.ui.toast(T.unknownHotspot);
    } else if (this.answers.has(ev.ref)) {
      const q = this.answers.get(ev.ref);
      this.answers.delete(ev.ref);
      const text = { [ERR.TOO_FAST]: T.tooFast, [ERR.ALREADY_ANSWERED]: T.alreadyAnswered, [ERR.NOT_OPEN]: T.notOpen }[ev.code];
      this.content.answerError(q, text || T.unavailable);
    } else if (ev.code === ERR.TOO_FAST || ev.code === ERR.NOT_OPEN || ev.code === ERR.BAD_ANSWER) {
      const text = ev.code === ERR.NOT_OPEN ? T.notOpen : T.tooFast;
      if (this.ui.panelOpen) this.content.questionnaireError(text);
      else this.ui.toast(text);
    } else if (ev.code === ERR.BAD_CODE && ev.ref === this.joinReq) {
      this.wrongCodes++;
      this.classView?.joinError(CT.badCode(5 - this.wrongCodes));
    } else if (ev.code === ERR.CLASS_CLOSED && ev.ref === this.joinReq) {
      this.classView?.joinError(CT.classFull);
    } else if (ev.code === ERR.NOT_ALLOWED && ev.ref === this.joinReq) {
      this.classView?.joinError(CT.cannotJoin);
    } else if ((ev.code === ERR.TOO_FAST || ev.code === ERR.UNAVAILABLE) && ev.ref && ev.ref === this.joinReq) {
      this.classView?.joinError(ev.code === ERR.TOO_FAST ? CT.codeTooFast : T.unavailable);
    } else if (ev.code === ERR.PAUSED) {
      this.ui.toast(CT.pausedWalk);
    } else if (ev.code === ERR.NO_GROUP) {
      this.progress.noGroup();
    } else if (ev.code === ERR.UNAVAILABLE || ev.code === ERR.NOT_EARNED) {
      this.say(T.unavailable);
    } else if (ev.code !== ERR.RATE_LIMITED) {
      console.warn("server error event", ev);
    }
  }

  // ------------------------------------------------------------ actions

  walk(dx, dy) {
    this.approach = null;
    if (this.classView?.paused && (dx || dy)) return;
    const seq = this.conn.move(dx, dy);
    if (seq) this.world.setIntent({ kind: "move", dx, dy, seq });
  }

  walkTo(x, y) {
    if (this.classView?.paused) {
      this.ui.toast(CT.pausedWalk);
      return;
    }
    const seq = this.conn.goto(x, y);
    if (seq) this.world.setIntent({ kind: "wait", seq });
  }

  openHotspot(h) {
    const req = this.conn.openHotspot(h.id);
    if (req) this.pendingOpen = { req, hotspot: h };
  }

  /** The other visitor drawn under the pixel (feet to head, a finger's width), or null. */
  pickAvatar(px, py) {
    if (!this.view) return null;
    let best = null;
    let bestD = Infinity;
    for (const a of this.world.view.values()) {
      const feet = this.view.project(a.rx, a.ry, 0);
      const head = this.view.project(a.rx, a.ry, 1.8);
      if (!feet.visible || !head.visible) continue;
      const half = Math.max(14, (feet.y - head.y) * 0.4);
      if (px < feet.x - half || px > feet.x + half || py < head.y - 10 || py > feet.y + 8) continue;
      if (this.view.occluded(a.rx, a.ry, 1)) continue;
      const d = Math.hypot(px - feet.x, py - (feet.y + head.y) / 2);
      if (d < bestD) {
        bestD = d;
        best = a;
      }
    }
    return best;
  }

  tap(px, py) {
    if (!this.view || !this.world.self.known || this.ui.outageShown) return;
    // A visitor first: a click on someone shows who it is, and goes nowhere.
    const a = this.pickAvatar(px, py);
    if (a) {
      this.ui.showCard(a);
      return;
    }
    this.ui.closeCard(false);
    const h = this.view.pickHotspot(px, py);
    if (h) {
      this.openHotspot(h);
      return;
    }
    const p = this.view.screenToGround(px, py);
    if (p) {
      this.approach = null;
      this.walkTo(p.x, p.y);
    }
  }

  /** Enter on the view: opens the nearest content, walking to it when needed. */
  openNearest() {
    const s = this.world.self;
    if (!s.known) return;
    const near = hotspotsNear(this.zone, s.x, s.y, Infinity);
    if (near.length) this.openHotspot(near[0].hotspot);
  }

  // ------------------------------------------------------------ frame loop

  frame(now) {
    requestAnimationFrame((t) => this.frame(t));
    const dt = Math.max(0, (now - this.last) / 1000);
    this.last = now;
    const view = this.view;
    if (!view) return; // being rebuilt
    const t0 = performance.now();
    const w = this.world;
    w.step(dt, now);
    w.interpolate(now);
    this.input.tick();
    view.render(w, now, dt);
    if (!this.firstFrameMs) this.firstFrameMs = performance.now() - t0;
    const nearest = w.nearest(40);
    this.labels.update(w, this.zone, view, nearest);
    this.minimap.draw(w, now, view.azimuth);
    if (!this.lastUi || now - this.lastUi > 400) {
      this.lastUi = now;
      this.slowUpdate(nearest);
      if (view.kind === "3d") {
        const next = this.governor.check(now, view.frameEma, view.atMinScale);
        if (next) this.rebuildView();
      }
    }
    this.stats.add(dt * 1000, performance.now() - t0);
  }

  slowUpdate(nearest) {
    const w = this.world;
    this.ui.setCounts(this.conn.connected ? w.online : 0, this.conn.connected ? w.crowd : 0);
    if (!w.self.known) return;
    this.ui.setNearby(hotspotsNear(this.zone, w.self.x, w.self.y, NEARBY_RANGE), this.progress.seen, (h) => this.openHotspot(h));
    this.ui.setPlace(whereText(placeAt(this.zone, w.self.x, w.self.y)));
    if (this.klass) {
      if (this.mates.size) this.refreshMates();
      this.classView?.refresh(w.self, this.view ? this.view.azimuth : 0, (x, y) => whereText(placeAt(this.zone, x, y)).replace(/^Tu es /, ""));
    }
    const close = nearest.filter((a) => a.dist < AROUND_RANGE);
    const names = close.slice(0, 5).map((a) => a.pseudonym);
    this.ui.setAround(names, close.length - names.length);
  }

  // ------------------------------------------------------------ test hook

  exposeHook() {
    const app = this;
    window.__fair = {
      build: BUILD,
      get renderer() { return app.view ? app.view.kind : ""; },
      get state() { return app.conn.state; },
      get connected() { return app.conn.connected; },
      get selfId() { return app.world ? app.world.selfId : 0; },
      get pseudonym() { return app.world ? app.world.pseudonym : ""; },
      get self() { return app.world ? { x: app.world.self.x, y: app.world.self.y, serverX: app.world.self.serverX, serverY: app.world.self.serverY, known: app.world.self.known } : null; },
      get online() { return app.world ? app.world.online : 0; },
      get crowd() { return app.world ? app.world.crowd : 0; },
      get labels() { return app.labels ? app.labels.visibleAvatars : 0; },
      get corrections() { return app.world ? { ...app.world.corrections } : null; },
      get latency() { return app.world ? app.world.latency : 0; },
      get renderScale() { return app.view && app.view.scale ? app.view.scale : 1; },
      get quality() { return app.view && app.view.kind === "3d" ? app.view.quality : ""; },
      get genericModels() { return app.view ? app.view.genericModels : -1; },
      get motion() { return app.view ? { enabled: app.view.motion, rotor: app.view.effects ? app.view.effects.angle : 0 } : null; },
      get look() { return { ...app.look }; },
      get seen() { return [...app.progress.seen]; },
      get progress() { return { points: app.progress.points, key: app.progress.key, badges: app.progress.badges.map((b) => ({ ...b })) }; },
      get cardAvatar() { return app.ui.cardAvatar; },
      renderInfo() { return app.view && app.view.info ? { ...app.view.info, staticTriangles: app.view.staticTriangles || 0, buildMs: app.view.buildMs || 0, firstFrameMs: app.firstFrameMs || 0, signsMissing: app.view.atlas ? app.view.atlas.missing : 0 } : null; },
      labelBoxes() { return app.labels ? { labels: app.labels.boxes(), self: app.labels.selfBox, markers: app.labels.markerBoxes } : null; },
      avatars() {
        return app.world ? [...app.world.view.values()].map((a) => ({ id: a.id, pseudonym: a.pseudonym, role: a.role, colour: a.colour, shape: a.shape, x: a.rx, y: a.ry })) : [];
      },
      zone() { return app.zone ? { id: app.zone.id, width: app.zone.width, height: app.zone.height, hotspots: app.zone.hotspots, spawn: app.zone.spawn, booths: app.zone.booths, areas: app.zone.areas, buildings: app.zone.buildings } : null; },
      project(x, y, h = 0) { return app.view ? app.view.project(x, y, h) : null; },
      occluded(x, y, h = 0) { return app.view ? app.view.occluded(x, y, h) : false; },
      frameStats(reset = false) { return app.stats.summary(reset); },
      get cameraState() { const v = app.view; return v ? { azimuth: v.azimuth, elevation: v.elevation, distance: v.distance, lift: v.lift || 0, reach: v.reach || 0 } : null; },
      camera(azimuth, elevation, distance) {
        if (!app.view) return;
        if (azimuth !== undefined) app.view.azimuth = azimuth;
        if (elevation !== undefined) app.view.elevation = elevation;
        if (distance !== undefined) app.view.distance = distance;
      },
      dropConnection() { app.conn.drop(); },
      walkTo(x, y) { app.walkTo(x, y); },
      seenOnMap(id) { return { minimap: !!app.minimap?.seen?.has(id), view: !!app.view?.seen?.has(id) }; },
      open(id) { const h = app.zone && app.zone.hotspotById.get(id); if (h) app.openHotspot(h); return !!h; },
      toast(text) { app.ui.toast(text); },
      get klass() { return app.klass ? { classId: app.klass.classId, name: app.klass.name, level: app.klass.level, teacher: app.klass.teacher } : null; },
      get classmates() { return [...app.mates.values()].map((m) => ({ avatarId: m.avatarId, pseudonym: m.pseudonym, online: m.online, role: m.role, x: m.x, y: m.y })); },
      get routeStep() { const t = app.classView?.target; return t ? { ...t, path: undefined } : null; },
      get following() { return !!app.classView?.following; },
      get paused() { return !!app.classView?.paused; },
      get chat() { return app.chat.snapshot(); },
    };
  }
}

const app = new App();
app.start();
