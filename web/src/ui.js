// The page's DOM apart from the view: pseudonym screen, status line, counts,
// notices, toasts, the hotspot panel (a modal dialog) and the list of nearby
// hotspots. No game logic here: main.js wires it.

import { T, challengeLabel } from "./texts.js";
import { rectCentre } from "./zone.js";

const $ = (id) => document.getElementById(id);

export class UI {
  constructor() {
    this.el = {
      join: $("join"), form: $("join-form"), pseudo: $("pseudo"), joinError: $("join-error"), joinBtn: $("join-btn"),
      visit: $("visit"), view: $("view"), status: $("status"), online: $("online"), crowd: $("crowd"),
      banner: $("version-banner"), notice: $("notice"), noticeText: $("notice-text"),
      retry: $("notice-retry"), reload: $("notice-reload"), here: $("notice-here"),
      toasts: $("toasts"), panel: $("panel"), place: $("place"), around: $("around"),
      nearby: $("nearby"), nearbyEmpty: $("nearby-empty"), travel: $("travel"), travelForm: $("travel-form"),
    };
    this.nearbyItems = new Map(); // hotspot id -> {li, btn, dist}
    this.nearbyOrder = "";
    this.panelHotspot = null;
    this.panelOpener = null;
    $("reload-btn").addEventListener("click", () => window.location.reload());
    this.el.reload.addEventListener("click", () => window.location.reload());
  }

  // ------------------------------------------------------------ screens

  showJoin(error = "", pseudonym = "") {
    this.el.visit.hidden = true;
    this.el.join.hidden = false;
    this.el.joinBtn.disabled = false;
    if (pseudonym) this.el.pseudo.value = pseudonym;
    this.el.joinError.textContent = error;
    this.el.pseudo.setAttribute("aria-invalid", error ? "true" : "false");
    this.el.pseudo.focus();
    if (error) this.el.pseudo.select();
  }

  onJoin(handler) {
    this.el.form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const p = this.el.pseudo.value.trim();
      if (!p) {
        this.el.joinError.textContent = "Écris un pseudonyme pour entrer.";
        this.el.pseudo.setAttribute("aria-invalid", "true");
        this.el.pseudo.focus();
        return;
      }
      this.el.joinError.textContent = "";
      this.el.joinBtn.disabled = true;
      handler(p);
    });
  }

  showVisit() {
    const first = this.el.visit.hidden;
    this.el.join.hidden = true;
    this.el.visit.hidden = false;
    if (first) this.el.view.focus({ preventScroll: true });
  }

  // ------------------------------------------------------------ status

  setStatus(text) {
    if (this.el.status.textContent !== text) this.el.status.textContent = text;
  }

  setCounts(online, crowd) {
    const o = online ? T.online(online) : "";
    const c = crowd ? T.crowd(crowd) : "";
    if (this.el.online.textContent !== o) this.el.online.textContent = o;
    if (this.el.crowd.textContent !== c) this.el.crowd.textContent = c;
  }

  setPlace(text) {
    const t = text || "dans l'usine";
    if (this.el.place.textContent !== t) this.el.place.textContent = t;
  }

  setAround(names, crowd) {
    let t = "";
    if (names.length) {
      t = `Près de toi : ${names.join(", ")}`;
      if (crowd) t += ` ${T.crowd(crowd)}`;
      t += ".";
    } else if (crowd) {
      t = `Beaucoup de monde ici : ${crowd} visiteurs autour de toi.`;
    }
    if (this.el.around.textContent !== t) this.el.around.textContent = t;
  }

  showVersionBanner(show) {
    this.el.banner.hidden = !show;
  }

  /** A notice over the view; buttons: {retry, reload, here} -> handlers. */
  notice(text, buttons = {}) {
    this.el.notice.hidden = !text;
    this.el.noticeText.textContent = text || "";
    for (const k of ["retry", "reload", "here"]) {
      const b = this.el[k];
      b.hidden = !buttons[k];
      b.onclick = typeof buttons[k] === "function" ? buttons[k] : b === this.el.reload ? () => window.location.reload() : null;
    }
  }

  toast(text, ms = 4000) {
    const el = document.createElement("div");
    el.className = "toast";
    el.textContent = text;
    this.el.toasts.appendChild(el);
    while (this.el.toasts.children.length > 3) this.el.toasts.firstChild.remove();
    setTimeout(() => el.remove(), ms);
  }

  // ------------------------------------------------------------ hotspot panel

  /** Shows a HOTSPOT_CONTENT; onClose(hotspotId) is called once when it closes. */
  openPanel(c, onClose) {
    const p = this.el.panel;
    if (p.open) this._closePanel(false);
    this.panelHotspot = c.hotspotId;
    this.panelOnClose = onClose;
    this.panelOpener = document.activeElement;
    $("panel-title").textContent = c.title || "Contenu";
    const badge = $("panel-challenge");
    badge.textContent = challengeLabel(c.challenge);
    badge.dataset.challenge = c.challenge;
    $("panel-text").textContent = c.text || "";
    const img = $("panel-media");
    // Media come from the same origin only: a path, never a URL with a host.
    if (c.media && c.media.startsWith("/") && !c.media.startsWith("//")) {
      img.src = c.media;
      img.alt = `Illustration : ${c.title}`;
      img.hidden = false;
    } else {
      img.removeAttribute("src");
      img.hidden = true;
    }
    this.setViewers(c.hotspotId, c.viewers);
    if (!p.dataset.wired) {
      p.dataset.wired = "1";
      $("panel-close").addEventListener("click", () => this._closePanel(true));
      $("panel-done").addEventListener("click", () => this._closePanel(true));
      p.addEventListener("cancel", (ev) => {
        ev.preventDefault();
        this._closePanel(true);
      });
      p.addEventListener("click", (ev) => {
        if (ev.target === p) this._closePanel(true); // a click on the backdrop
      });
    }
    p.showModal();
    $("panel-done").focus();
  }

  setViewers(hotspotId, viewers) {
    if (this.panelHotspot !== hotspotId) return;
    $("panel-viewers").textContent = T.viewers(viewers);
  }

  get panelOpen() {
    return this.el.panel.open;
  }

  _closePanel(restoreFocus) {
    const p = this.el.panel;
    if (!p.open) return;
    p.close();
    const id = this.panelHotspot;
    this.panelHotspot = null;
    const cb = this.panelOnClose;
    this.panelOnClose = null;
    if (cb) cb(id);
    if (restoreFocus) {
      const back = this.panelOpener && document.contains(this.panelOpener) ? this.panelOpener : this.el.view;
      back.focus({ preventScroll: true });
    }
  }

  closePanel() {
    this._closePanel(true);
  }

  // ------------------------------------------------------------ nearby list

  /** items: [{hotspot, dist}] nearest first. onOpen(hotspot). */
  setNearby(items, onOpen) {
    // The order is by distance when the set changes, then kept stable so
    // that a button does not move under the pointer or the keyboard focus.
    const order = items.map((i) => i.hotspot.id).sort().join(",");
    const list = this.el.nearby;
    if (order !== this.nearbyOrder) {
      this.nearbyOrder = order;
      const keep = new Set(items.map((i) => i.hotspot.id));
      for (const [id, it] of this.nearbyItems) {
        if (!keep.has(id)) {
          it.li.remove();
          this.nearbyItems.delete(id);
        }
      }
      // Kept items stay in place (their focus too); new ones go where their
      // distance puts them among the kept ones.
      let prev = null;
      for (const { hotspot: h } of items) {
        let it = this.nearbyItems.get(h.id);
        if (!it) {
          const li = document.createElement("li");
          const btn = document.createElement("button");
          btn.type = "button";
          btn.dataset.hotspot = h.id;
          const title = document.createElement("span");
          title.className = "title";
          title.textContent = h.title;
          const ch = document.createElement("span");
          ch.className = "challenge";
          ch.textContent = challengeLabel(h.challenge);
          title.appendChild(ch);
          const dist = document.createElement("span");
          dist.className = "dist";
          btn.append(title, dist);
          btn.addEventListener("click", () => onOpen(h));
          li.appendChild(btn);
          it = { li, btn, distEl: dist, dist: "" };
          this.nearbyItems.set(h.id, it);
        }
        if (!it.li.parentNode) list.insertBefore(it.li, prev ? prev.nextSibling : list.firstChild);
        prev = it.li;
      }
      this.el.nearbyEmpty.hidden = items.length > 0;
    }
    for (const { hotspot: h, dist } of items) {
      const it = this.nearbyItems.get(h.id);
      const d = T.meters(dist);
      if (it.dist !== d) {
        it.dist = d;
        it.distEl.textContent = `à ${d}`;
      }
    }
  }

  // ------------------------------------------------------------ travel

  fillTravel(zone, onGo) {
    const sel = this.el.travel;
    sel.textContent = "";
    const add = (group, label, rect) => {
      const o = document.createElement("option");
      const c = rectCentre(rect);
      o.value = `${c.x},${c.y}`;
      o.textContent = label;
      group.appendChild(o);
    };
    const areas = document.createElement("optgroup");
    areas.label = "Lieux";
    for (const a of zone.areas) if (a.name) add(areas, a.name, a.rect);
    const booths = document.createElement("optgroup");
    booths.label = "Stands";
    for (const b of zone.booths) add(booths, `Stand ${b.name}`, b.rect);
    if (areas.children.length) sel.appendChild(areas);
    if (booths.children.length) sel.appendChild(booths);
    this.el.travelForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const [x, y] = sel.value.split(",").map(Number);
      if (Number.isFinite(x) && Number.isFinite(y)) onGo(x, y, sel.selectedOptions[0]?.textContent || "");
    });
  }
}
