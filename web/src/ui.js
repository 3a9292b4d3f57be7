// The page's DOM apart from the view: pseudonym and look screen, skip links,
// status line, counts, notices, the outage overlay, toasts, the visitor
// card, the hotspot panel (a modal dialog), the side panel (a bottom sheet
// on narrow screens) and the list of nearby hotspots. No game logic here:
// main.js wires it.

import { T, challengeLabel, touchScreen } from "./texts.js";
import { rectCentre } from "./zone.js";
import { COLOURS, SHAPES, colourOf, shapeOf, roleOf } from "./look.js";

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const MAX_TOASTS = 2;

/** A small SVG of an avatar shape in a colour (the pickers, the card). */
export function shapeIcon(shape, colour, size = 28) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 20 20");
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  let el;
  switch (shape) {
    case 1:
      el = document.createElementNS(SVG, "rect");
      for (const [k, v] of [["x", 3], ["y", 3], ["width", 14], ["height", 14]]) el.setAttribute(k, String(v));
      break;
    case 2:
      el = document.createElementNS(SVG, "polygon");
      el.setAttribute("points", "10,2 18,17 2,17");
      break;
    case 3:
      el = document.createElementNS(SVG, "polygon");
      el.setAttribute("points", "18,10 14,17 6,17 2,10 6,3 14,3");
      break;
    default:
      el = document.createElementNS(SVG, "circle");
      for (const [k, v] of [["cx", 10], ["cy", 10], ["r", 8]]) el.setAttribute(k, String(v));
  }
  el.setAttribute("fill", colourOf(colour).hex);
  el.setAttribute("stroke", "#14213d");
  el.setAttribute("stroke-width", "1.5");
  svg.appendChild(el);
  return svg;
}

export class UI {
  constructor() {
    this.el = {
      join: $("join"), form: $("join-form"), pseudo: $("pseudo"), joinError: $("join-error"), joinBtn: $("join-btn"),
      key: $("key"), keyError: $("key-error"), keyEntry: $("key-entry"), remember: $("remember"),
      visit: $("visit"), view: $("view"), status: $("status"), online: $("online"), crowd: $("crowd"),
      banner: $("version-banner"), notice: $("notice"), noticeText: $("notice-text"),
      retry: $("notice-retry"), reload: $("notice-reload"), here: $("notice-here"),
      outage: $("outage"), outageText: $("outage-text"), outageCount: $("outage-count"), outageRetry: $("outage-retry"),
      card: $("card"), toasts: $("toasts"), panel: $("panel"), place: $("place"), around: $("around"),
      nearby: $("nearby"), nearbyEmpty: $("nearby-empty"), travel: $("travel"), travelForm: $("travel-form"),
      side: $("side"), sheetToggle: $("sheet-toggle"), sheetSummary: $("sheet-summary"),
    };
    this.nearbyItems = new Map(); // hotspot id -> {li, btn, distEl, dist, seenEl}
    this.nearbyOrder = "";
    this.panelHotspot = null;
    this.panelOpener = null;
    this.cardOpener = null;
    this.look = { colour: 0, shape: 0 };
    this.touch = touchScreen();
    $("reload-btn").addEventListener("click", () => window.location.reload());
    this.el.reload.addEventListener("click", () => window.location.reload());
    $("card-close").addEventListener("click", () => this.closeCard(true));
    this.el.card.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") {
        ev.stopPropagation();
        this.closeCard(true);
      }
    });
    this.el.sheetToggle.addEventListener("click", () => this.setSheet(this.el.sheetToggle.getAttribute("aria-expanded") !== "true"));
    // Skip links open the sheet before moving the focus into it.
    for (const a of document.querySelectorAll(".skip")) {
      a.addEventListener("click", (ev) => {
        const target = document.querySelector(a.getAttribute("href"));
        if (!target) return;
        ev.preventDefault();
        if (this.el.side.contains(target)) this.setSheet(true);
        if (!target.hasAttribute("tabindex") && !/^(INPUT|BUTTON|SELECT|A)$/.test(target.tagName)) target.setAttribute("tabindex", "-1");
        target.focus();
        target.scrollIntoView?.({ block: "nearest" });
      });
    }
    this._applyTouchTexts();
  }

  _applyTouchTexts() {
    $("join-intro").textContent = T.intro(this.touch);
    $("controls-help").textContent = T.controls(this.touch);
    $("minimap").setAttribute("aria-label", T.minimap(this.touch));
  }

  // ------------------------------------------------------------ screens

  _screen(name) {
    for (const a of document.querySelectorAll(".skip")) a.hidden = a.dataset.screen !== name;
  }

  /**
   * The welcome screen; error is about the pseudonym, or about the key
   * when keyError (a refused progress key: 4016).
   */
  showJoin(error = "", pseudonym = "", keyError = false) {
    this.el.visit.hidden = true;
    this.el.join.hidden = false;
    this._screen("join");
    this.el.joinBtn.disabled = false;
    if (pseudonym) this.el.pseudo.value = pseudonym;
    this.el.joinError.textContent = keyError ? "" : error;
    this.el.keyError.textContent = keyError ? error : "";
    this.el.pseudo.setAttribute("aria-invalid", error && !keyError ? "true" : "false");
    this.el.key.setAttribute("aria-invalid", keyError ? "true" : "false");
    if (keyError) {
      this.el.keyEntry.open = true;
      this.el.key.focus();
      this.el.key.select();
      return;
    }
    this.el.pseudo.focus();
    if (error) this.el.pseudo.select();
  }

  /** Fills the welcome screen with what the device remembers. */
  prefill(pseudonym, key, remember) {
    if (pseudonym) this.el.pseudo.value = pseudonym;
    if (key) {
      this.el.key.value = key;
      this.el.keyEntry.open = true;
    }
    this.el.remember.checked = !!remember;
  }

  /** Builds the colour and shape pickers; onChange(look) on every choice. */
  initLook(look, onChange) {
    this.look = { ...look };
    const build = (host, name, items, icon) => {
      items.forEach((it, i) => {
        const label = document.createElement("label");
        label.className = "pick";
        const input = document.createElement("input");
        input.type = "radio";
        input.name = name;
        input.value = String(i);
        input.checked = this.look[name] === i;
        input.addEventListener("change", () => {
          this.look[name] = i;
          this._refreshPickers();
          onChange({ ...this.look });
        });
        const text = document.createElement("span");
        text.className = "pick-name";
        text.textContent = it.name;
        label.append(input, icon(i), text);
        host.appendChild(label);
      });
    };
    build($("colour-picker"), "colour", COLOURS, (i) => shapeIcon(0, i, 26));
    build($("shape-picker"), "shape", SHAPES, (i) => shapeIcon(i, this.look.colour, 26));
  }

  _refreshPickers() {
    document.querySelectorAll("#shape-picker .pick").forEach((label, i) => {
      label.querySelector("svg").replaceWith(shapeIcon(i, this.look.colour, 26));
    });
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
      this.el.keyError.textContent = "";
      this.el.joinBtn.disabled = true;
      handler(p, { ...this.look }, this.el.key.value.trim(), this.el.remember.checked);
    });
  }

  showVisit() {
    const first = this.el.visit.hidden;
    this.el.join.hidden = true;
    this.el.visit.hidden = false;
    this._screen("visit");
    if (first) this.el.view.focus({ preventScroll: true });
  }

  /** Opens or closes the bottom sheet (narrow screens; always open otherwise). */
  setSheet(open) {
    this.el.sheetToggle.setAttribute("aria-expanded", open ? "true" : "false");
    this.el.side.classList.toggle("open", open);
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
    if (this.el.place.textContent !== text) this.el.place.textContent = text;
    const summary = `${text} (${this.nearbyItems.size} contenu${this.nearbyItems.size > 1 ? "s" : ""} proche${this.nearbyItems.size > 1 ? "s" : ""})`;
    if (this.el.sheetSummary.textContent !== summary) this.el.sheetSummary.textContent = summary;
  }

  setAround(names, more) {
    const t = T.around(names, more);
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

  /**
   * The outage overlay over the whole view: text, a countdown to retryAt
   * (ms since the epoch, 0: none) and a "Réessayer" button. null hides it.
   */
  outage(text, retryAt = 0, onRetry = null) {
    clearInterval(this.outageTimer);
    const o = this.el.outage;
    if (!text) {
      o.hidden = true;
      this.el.view.classList.remove("paused");
      return;
    }
    const wasHidden = o.hidden;
    o.hidden = false;
    this.el.view.classList.add("paused");
    this.el.outageText.textContent = text;
    const tick = () => {
      const s = retryAt ? Math.max(0, Math.ceil((retryAt - Date.now()) / 1000)) : 0;
      const t = T.outageRetry(s);
      if (this.el.outageCount.textContent !== t) this.el.outageCount.textContent = t;
    };
    tick();
    this.outageTimer = setInterval(tick, 250);
    this.el.outageRetry.onclick = onRetry;
    if (wasHidden && this.el.view.contains(document.activeElement)) this.el.outageRetry.focus({ preventScroll: true });
  }

  get outageShown() {
    return !this.el.outage.hidden;
  }

  /** At most two toasts at a time, and none while a content is open. */
  toast(text, ms = 4000) {
    if (this.panelOpen) return;
    const el = document.createElement("div");
    el.className = "toast";
    el.textContent = text;
    this.el.toasts.appendChild(el);
    while (this.el.toasts.children.length > MAX_TOASTS) this.el.toasts.firstChild.remove();
    setTimeout(() => el.remove(), ms);
  }

  // ------------------------------------------------------------ visitor card

  /** Shows who a visitor is: pseudonym, role, look. Never walks, never opens a content. */
  showCard(a) {
    const c = this.el.card;
    $("card-name").textContent = a.pseudonym;
    $("card-role").textContent = roleOf(a.role).card;
    $("card-look").textContent = `Avatar ${shapeOf(a.shape).name} ${colourOf(a.colour).name}`;
    $("card-shape").replaceChildren(shapeIcon(a.shape, a.colour, 22));
    c.dataset.avatar = String(a.id);
    if (c.hidden) this.cardOpener = document.activeElement;
    c.hidden = false;
    $("card-close").focus({ preventScroll: true });
  }

  closeCard(restoreFocus = false) {
    const c = this.el.card;
    if (c.hidden) return;
    c.hidden = true;
    delete c.dataset.avatar;
    if (restoreFocus) (this.cardOpener && document.contains(this.cardOpener) ? this.cardOpener : this.el.view).focus({ preventScroll: true });
  }

  get cardAvatar() {
    return this.el.card.hidden ? 0 : Number(this.el.card.dataset.avatar || 0);
  }

  // ------------------------------------------------------------ hotspot panel

  /**
   * Shows a HOTSPOT_CONTENT's frame (title, challenge, viewers; render
   * fills the rest: contentview.js); onClose(hotspotId) is called once when
   * it closes.
   */
  openPanel(c, onClose, render) {
    const p = this.el.panel;
    if (p.open) this._closePanel(false);
    this.closeCard(false);
    for (const t of [...this.el.toasts.children]) t.remove();
    this.panelHotspot = c.hotspotId;
    this.panelOnClose = onClose;
    this.panelOpener = document.activeElement;
    $("panel-title").textContent = c.title || "Contenu";
    const badge = $("panel-challenge");
    badge.textContent = challengeLabel(c.challenge);
    badge.dataset.challenge = c.challenge;
    if (render) render(c);
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

  /**
   * items: [{hotspot, dist}] nearest first; shown in that order, the nearest
   * on top. seen: Set of hotspot ids already opened. onOpen(hotspot).
   */
  setNearby(items, seen, onOpen) {
    const list = this.el.nearby;
    const keep = new Set(items.map((i) => i.hotspot.id));
    for (const [id, it] of this.nearbyItems) {
      if (!keep.has(id)) {
        it.li.remove();
        this.nearbyItems.delete(id);
      }
    }
    // Distances move by fractions while walking: order by whole metres so
    // the list does not shuffle at every step.
    const order = items.map((i) => i.hotspot.id).join(",");
    for (const { hotspot: h } of items) {
      if (this.nearbyItems.has(h.id)) continue;
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
      const seenEl = document.createElement("span");
      seenEl.className = "seen";
      seenEl.textContent = ` (${T.seen})`;
      ch.appendChild(seenEl);
      title.appendChild(ch);
      const dist = document.createElement("span");
      dist.className = "dist";
      btn.append(title, dist);
      btn.addEventListener("click", () => onOpen(h));
      li.appendChild(btn);
      this.nearbyItems.set(h.id, { li, btn, distEl: dist, dist: "", seenEl });
    }
    if (order !== this.nearbyOrder) {
      this.nearbyOrder = order;
      const focused = document.activeElement;
      items.forEach(({ hotspot: h }, i) => {
        const it = this.nearbyItems.get(h.id);
        if (list.children[i] !== it.li) list.insertBefore(it.li, list.children[i] || null);
      });
      // Moving a focused button can drop its focus: give it back.
      if (focused && list.contains(focused) && document.activeElement !== focused) focused.focus({ preventScroll: true });
    }
    this.el.nearbyEmpty.hidden = items.length > 0;
    for (const { hotspot: h, dist } of items) {
      const it = this.nearbyItems.get(h.id);
      const d = T.meters(dist);
      if (it.dist !== d) {
        it.dist = d;
        it.distEl.textContent = `à ${d}`;
      }
      const isSeen = seen.has(h.id);
      if (it.seenEl.hidden === isSeen) {
        it.seenEl.hidden = !isSeen;
        it.li.classList.toggle("is-seen", isSeen);
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
    for (const b of zone.booths) add(booths, b.company ? `Stand ${b.name} (${b.company})` : `Stand ${b.name}`, b.rect);
    if (areas.children.length) sel.appendChild(areas);
    if (booths.children.length) sel.appendChild(booths);
    this.el.travelForm.onsubmit = (ev) => {
      ev.preventDefault();
      const [x, y] = sel.value.split(",").map(Number);
      if (Number.isFinite(x) && Number.isFinite(y)) onGo(x, y, sel.selectedOptions[0]?.textContent || "");
    };
  }
}
