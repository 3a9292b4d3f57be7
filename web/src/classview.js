// The pupil's class in the visitor's page: joining with the code (in the
// side panel, or on the welcome screen), the class and its members, the next
// step of the class route and the way to it (an arrow and the distance; the
// minimap draws the path), and what the teacher does: « Ton prof rassemble
// la classe », the guided tour (with « Arrêter de suivre »), the pause
// overlay with its end. No game logic: main.js wires it.

import { CT } from "./classtexts.js";
import { wayTo } from "./classroute.js";
import { shapeIcon } from "./ui.js";

const $ = (id) => document.getElementById(id);

/** A join code as typed: letters only, upper case (« kmpr-txwa » is « KMPRTXWA »). */
export const normaliseCode = (s) => String(s || "").toUpperCase().replace(/[^A-Z]/g, "");

export class ClassView {
  /** handlers: join(code) -> bool sent, go(target), stopFollow(), leave(). */
  constructor(zone, handlers) {
    this.zone = zone;
    this.h = handlers;
    this.klass = null; // {name, level, teacher}
    this.mates = []; // [{id, pseudonym, x, y, online, colour, shape}]
    this.step = null; // the last ROUTE_STEP: {steps, total, hotspot, x, y, path} (metres)
    this.following = false;
    this.pauseUntil = 0;
    this.pauseTimer = 0;
    this.mateItems = new Map(); // id -> {li, where}
    $("class-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const code = normaliseCode($("class-code").value);
      if (!code) {
        this.joinError(CT.codeMissing);
        $("class-code").focus();
        return;
      }
      this.joinError("");
      if (!this.h.join(code)) this.joinError(CT.notConnected);
    });
    $("route-go").addEventListener("click", () => {
      const h = this.target;
      if (h) this.h.go(h);
    });
    $("follow-stop").addEventListener("click", () => this.h.stopFollow());
    $("class-leave").addEventListener("click", () => this.h.leave());
  }

  setZone(zone) {
    this.zone = zone;
  }

  /** The class joined (null: none). */
  setClass(k) {
    this.klass = k;
    $("class-form").hidden = !!k;
    $("class-info").hidden = !k;
    if (k) {
      this.joinError("");
      $("class-code").value = "";
      $("class-name").textContent = CT.className(k.name, k.level);
    } else {
      this.setStep(null);
      this.setFollow(false);
      this.setPause(0);
      this.setMates([]);
    }
  }

  joinError(text) {
    $("class-error").textContent = text;
    $("class-code").setAttribute("aria-invalid", text ? "true" : "false");
  }

  /** The class's members other than oneself, wherever they are. */
  setMates(list) {
    this.mates = list;
    const host = $("classmates");
    const keep = new Set(list.map((m) => m.id));
    for (const [id, it] of this.mateItems) {
      if (!keep.has(id)) {
        it.li.remove();
        this.mateItems.delete(id);
      }
    }
    const sorted = [...list].sort((a, b) => (b.online - a.online) || a.pseudonym.localeCompare(b.pseudonym, "fr"));
    sorted.forEach((m, i) => {
      let it = this.mateItems.get(m.id);
      if (!it) {
        const li = document.createElement("li");
        li.dataset.avatar = String(m.id);
        const name = document.createElement("span");
        name.className = "name";
        const where = document.createElement("span");
        where.className = "where";
        li.append(shapeIcon(m.shape || 0, m.colour || 0, 18), name, where);
        it = { li, name, where, look: `${m.shape}:${m.colour}` };
        this.mateItems.set(m.id, it);
      }
      if (it.name.textContent !== m.pseudonym) it.name.textContent = m.pseudonym;
      it.li.classList.toggle("away", !m.online);
      if (host.children[i] !== it.li) host.insertBefore(it.li, host.children[i] || null);
    });
    $("classmates-empty").hidden = list.some((m) => m.online);
  }

  /**
   * The route's next step (a ROUTE_STEP in metres), null for none; returns
   * true when the step to reach changed.
   */
  setStep(st) {
    const was = this.step ? this.step.hotspot : "";
    this.step = st && st.total > 0 ? st : null;
    const h = this.target;
    $("route-next").hidden = !h;
    const done = !!this.step && !this.step.hotspot;
    $("route-done").hidden = !done;
    $("route-done").textContent = done ? CT.routeDone(this.step.total) : "";
    if (h) {
      $("route-next-title").textContent = h.title;
      $("route-progress").textContent = CT.stepOf(this.step.steps, this.step.total);
    }
    return !!h && h.id !== was;
  }

  /** The next step: {id, title, x, y, range, path}, or null (no route, or done). */
  get target() {
    const st = this.step;
    if (!st || !st.hotspot) return null;
    const h = this.zone && this.zone.hotspotById.get(st.hotspot);
    return { id: st.hotspot, title: h ? h.title : st.hotspot, x: st.x, y: st.y, range: h ? h.range : 5, path: st.path };
  }

  setFollow(on, teacher = "") {
    this.following = on;
    this.banner(on ? CT.following(teacher) : "", on);
  }

  banner(text, stopButton = false) {
    $("class-banner").hidden = !text;
    $("class-banner-text").textContent = text;
    $("follow-stop").hidden = !stopButton;
  }

  /** The pause overlay until untilMs (ms since the epoch); 0 ends it. */
  setPause(untilMs) {
    clearInterval(this.pauseTimer);
    this.pauseUntil = untilMs > Date.now() ? untilMs : 0;
    $("pause").hidden = !this.pauseUntil;
    $("view").classList.toggle("class-paused", !!this.pauseUntil);
    if (!this.pauseUntil) return;
    const tick = () => {
      const s = Math.max(0, Math.ceil((this.pauseUntil - Date.now()) / 1000));
      $("pause-count").textContent = CT.pauseLeft(s);
      if (!s) this.setPause(0);
    };
    tick();
    this.pauseTimer = setInterval(tick, 500);
  }

  get paused() {
    return this.pauseUntil > Date.now();
  }

  /** A few times a second: the arrow and the distance to the next step, and the classmates' places. */
  refresh(self, azimuth, placeText) {
    const h = this.target;
    if (h && self.known) {
      const w = wayTo(self.x, self.y, h, azimuth);
      $("route-arrow").style.transform = `rotate(${w.angle}rad)`;
      const t = w.dist <= (h.range || 5) ? CT.arrived : CT.way(w.dist);
      if ($("route-way").textContent !== t) $("route-way").textContent = t;
    }
    for (const m of this.mates) {
      const it = this.mateItems.get(m.id);
      if (!it) continue;
      const t = m.online ? (placeText ? placeText(m.x, m.y) : "") : CT.away;
      if (it.where.textContent !== t) it.where.textContent = t;
    }
  }
}
