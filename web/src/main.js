// Entry point: loads the zone, runs the pseudonym screen, the connection, the
// view (3D, or 2D without WebGL) and the frame loop, and wires the UI.

import { loadZone, hotspotsNear, placeAt } from "./zone.js";
import { Connection, session } from "./net.js";
import { World } from "./world.js";
import { UI } from "./ui.js";
import { Labels } from "./labels.js";
import { Minimap } from "./minimap.js";
import { Input } from "./input.js";
import { View2D } from "./view2d.js";
import { ERR } from "./protocol.js";
import { T } from "./texts.js";
import { FrameStats } from "./stats.js";

const BUILD = document.querySelector('meta[name="build"]')?.content || "dev";
const NEARBY_RANGE = 30;

function webglAvailable() {
  try {
    const c = document.createElement("canvas");
    return !!(c.getContext("webgl2") || c.getContext("webgl"));
  } catch {
    return false;
  }
}

async function createView(host, zone) {
  if (webglAvailable()) {
    try {
      const { View3D } = await import("./view3d.js");
      return new View3D(host, zone);
    } catch (err) {
      console.warn("3D view unavailable, using the 2D view:", err);
    }
  }
  return new View2D(host, zone);
}

class App {
  constructor() {
    this.ui = new UI();
    this.zone = null;
    this.world = null;
    this.view = null;
    this.stats = new FrameStats();
    this.pendingOpen = null; // {req, hotspot}
    this.approach = null; // {hotspot, until}: open it once close enough
    this.conn = new Connection({
      onStatus: (s) => this.onStatus(s),
      onWelcome: (w) => this.onWelcome(w),
      onUpdate: (u) => this.onUpdate(u),
      onReset: () => this.world && this.world.reset(),
    });
    this.zoneReady = this.fetchZone();
    this.ui.onJoin((p) => this.join(p));
    this.exposeHook();
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
    if (keepSelf) Object.assign(this.world, { selfId: keepSelf.selfId, pseudonym: keepSelf.pseudonym });
    if (this.view) this.view.dispose();
    const host = this.ui.el.view;
    this.view = await createView(host, zone);
    this.labels = this.labels || new Labels(document.getElementById("labels"));
    this.minimap = new Minimap(document.getElementById("minimap"), zone, (x, y) => this.walkTo(x, y));
    this.ui.fillTravel(zone, (x, y, name) => {
      this.walkTo(x, y);
      this.ui.toast(`En route : ${name}`, 2500);
    });
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

  start() {
    const saved = session.load();
    if (saved.pseudonym && saved.token) {
      // A reload of this tab: resume the visit straight away.
      this.ui.showVisit();
      this.zoneReady.then(() => this.conn.start(saved.pseudonym, saved.token), () => {});
    } else {
      this.ui.showJoin("", saved.pseudonym);
      this.ui.setStatus("");
    }
  }

  async join(pseudonym) {
    try {
      await this.zoneReady;
    } catch {
      this.ui.showJoin(T.zoneError, pseudonym);
      return;
    }
    this.conn.start(pseudonym, "");
  }

  // ------------------------------------------------------------ connection

  onStatus(s) {
    // The status line stays short; long explanations go to the notice.
    const short = { blocked: "Connexion en temps réel bloquée", refused: "", stopped: "Déconnecté·e" }[s.state];
    this.ui.setStatus(short !== undefined ? short : s.text);
    switch (s.state) {
      case "open":
        this.ui.notice("");
        this.ui.showVisit();
        break;
      case "refused":
        this.ui.notice("");
        this.ui.showJoin(s.text, this.conn.pseudonym);
        break;
      case "blocked":
        this.ui.showVisit();
        this.ui.notice(T.blocked, { retry: () => this.conn.retryNow() });
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
        if (this.conn.everOpened) this.ui.notice("");
        else if (!this.ui.el.join.hidden) this.ui.el.joinError.textContent = s.text;
        break;
      default:
        break;
    }
  }

  async onWelcome(w) {
    this.ui.showVersionBanner(!!w.build && w.build !== BUILD);
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
    // Keys still held across a reconnection keep walking.
    this.input.forget();
    if (this.input.walking) this.input._direction();
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
  }

  onEvent(ev) {
    const z = this.zone;
    switch (ev.kind) {
      case "content":
        this.pendingOpen = null;
        this.ui.openPanel(ev, (id) => this.conn.closeHotspot(id));
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
        this.world.path(ev.seq, ev.points);
        break;
      case "error":
        this.onError(ev);
        break;
      default:
        break;
    }
  }

  onError(ev) {
    const it = this.world.self.intent;
    if (it && it.seq === ev.ref && (ev.code === ERR.BAD_INTENT || ev.code === ERR.UNREACHABLE)) this.world.self.intent = null;
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
    } else if (ev.code !== ERR.RATE_LIMITED) {
      console.warn("server error event", ev);
    }
  }

  // ------------------------------------------------------------ actions

  walk(dx, dy) {
    this.approach = null;
    const seq = this.conn.move(dx, dy);
    if (seq) this.world.setIntent({ kind: "move", dx, dy, seq });
  }

  walkTo(x, y) {
    const seq = this.conn.goto(x, y);
    if (seq) this.world.setIntent({ kind: "wait", seq });
  }

  openHotspot(h) {
    const req = this.conn.openHotspot(h.id);
    if (req) this.pendingOpen = { req, hotspot: h };
  }

  tap(px, py) {
    if (!this.view || !this.world.self.known) return;
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
    const t0 = performance.now();
    const w = this.world;
    w.step(dt, now);
    w.interpolate(now);
    this.input.tick();
    this.view.render(w, now, dt);
    const nearest = w.nearest(40);
    this.labels.update(w, this.zone, (x, y, h) => this.view.project(x, y, h), nearest);
    this.minimap.draw(w, now, this.view.azimuth);
    if (!this.lastUi || now - this.lastUi > 400) {
      this.lastUi = now;
      this.slowUpdate(nearest);
    }
    this.stats.add(dt * 1000, performance.now() - t0);
  }

  slowUpdate(nearest) {
    const w = this.world;
    this.ui.setCounts(this.conn.connected ? w.online : 0, this.conn.connected ? w.crowd : 0);
    if (!w.self.known) return;
    this.ui.setNearby(hotspotsNear(this.zone, w.self.x, w.self.y, NEARBY_RANGE), (h) => this.openHotspot(h));
    this.ui.setPlace(placeAt(this.zone, w.self.x, w.self.y));
    const names = nearest.filter((a) => a.dist < 25).slice(0, 5).map((a) => a.pseudonym);
    const others = nearest.filter((a) => a.dist < 25).length - names.length;
    this.ui.setAround(names, others + w.crowd);
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
      avatars() {
        return app.world ? [...app.world.view.values()].map((a) => ({ id: a.id, pseudonym: a.pseudonym, role: a.role, x: a.rx, y: a.ry })) : [];
      },
      zone() { return app.zone ? { id: app.zone.id, width: app.zone.width, height: app.zone.height, hotspots: app.zone.hotspots, spawn: app.zone.spawn } : null; },
      project(x, y, h = 0) { return app.view ? app.view.project(x, y, h) : null; },
      frameStats(reset = false) { return app.stats.summary(reset); },
      dropConnection() { app.conn.drop(); },
    };
  }
}

const app = new App();
app.start();
